// The host side of the evaluation's misclassified images, a page at a time: checks the page the
// webview asks for against the evaluation the panel shows, asks the worker for those test images
// through the broker, and answers the webview's request exactly once (images or an error).
import { errorMessage } from '../shared/errors';
import { misclassifiedPage } from '../shared/misclassifiedPages';
import type { WebviewMessage } from '../shared/webviewProtocol';
import type { Lab } from './lab';

export async function showMisclassifiedPage(lab: Lab, m: Extract<WebviewMessage, { type: 'misclassifiedPage' }>): Promise<void> {
  const e = lab.view().evaluation;
  const page = e ? misclassifiedPage(e.misclassified, m.label, m.predicted, m.page) : 'no evaluation is shown: evaluate a model first';
  if (typeof page === 'string') {
    lab.log(`[misclassified] refused a page request: ${page}`);
    lab.post({ type: 'misclassifiedPageError', id: m.id, message: `Cannot show these images: ${page}.` });
    return;
  }
  try {
    const answer = await lab.session.broker.request('testImages', { dataset: e!.dataset, cacheDir: lab.cacheDir(), indices: page.indices });
    lab.post({ type: 'misclassifiedPage', id: m.id, images: answer.images });
  } catch (err) {
    lab.log(`[misclassified] ${errorMessage(err)}`);
    lab.post({ type: 'misclassifiedPageError', id: m.id, message: errorMessage(err) });
  }
}
