#!/usr/bin/python3
"""The seed's LeNet-5 in PyTorch, as the speed reference for the wasm training path.

Same model (C1 6@5x5 same tanh, S2 avg 2x2, C3 16@5x5 tanh, S4 avg 2x2, C5 120@5x5 tanh,
FC6 84 tanh, OUTPUT 10 softmax), Keras initialisation (glorot-uniform kernels, zero biases),
SGD lr 0.01, batch 64, shuffled, one epoch on the full Fashion-MNIST (Debian dataset-fashion-mnist),
then validation on the 10k test set. Usage: /usr/bin/python3 bench/pytorch_lenet.py (Debian python3-torch) [--threads N] [--epochs N] [--json]
Benchmark, not a test.
"""
import argparse, gzip, json, os, struct, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DIR = '/usr/share/datasets/fashion-mnist'


def idx(name):
    with gzip.open(os.path.join(DIR, name), 'rb') as f:
        data = f.read()
    magic, n = struct.unpack('>II', data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack('>II', data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, 1, rows, cols).astype(np.float32) / 255.0
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.c5 = nn.Conv2d(16, 120, 5)
        self.fc6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)  # Keras glorot_uniform
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.avg_pool2d(torch.tanh(self.c1(x)), 2)
        x = F.avg_pool2d(torch.tanh(self.c3(x)), 2)
        x = torch.tanh(self.c5(x)).flatten(1)
        x = torch.tanh(self.fc6(x))
        return self.out(x)  # logits; cross_entropy applies the softmax


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--epochs', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = torch.from_numpy(idx('train-images-idx3-ubyte.gz')), torch.from_numpy(idx('train-labels-idx1-ubyte.gz'))
    xte, yte = torch.from_numpy(idx('t10k-images-idx3-ubyte.gz')), torch.from_numpy(idx('t10k-labels-idx1-ubyte.gz'))
    model = LeNet5()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 64):
            idxs = perm[i:i + 64]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xtr[idxs]), ytr[idxs])
            loss.backward()
            opt.step()
        train_s = time.perf_counter() - t0
        model.eval()
        with torch.no_grad():
            logits = torch.cat([model(xte[i:i + 500]) for i in range(0, len(xte), 500)])
            val_loss = F.cross_entropy(logits, yte).item()
            val_acc = (logits.argmax(1) == yte).float().mean().item()
        total = time.perf_counter() - t0
        row = {'engine': f'pytorch {torch.__version__}', 'threads': a.threads, 'epoch': epoch, 'seconds': round(total, 2),
               'train_seconds': round(train_s, 2), 'samples_per_s': round(len(xtr) / train_s), 'val_loss': round(val_loss, 4),
               'val_acc': round(val_acc, 4), 'load': [round(v, 2) for v in os.getloadavg()]}
        print(json.dumps(row) if a.json else
              f"pytorch {torch.__version__} {a.threads} thread(s): epoch {epoch} {total:.2f} s (train {train_s:.2f} s, "
              f"{row['samples_per_s']} samples/s), val_loss {val_loss:.4f} val_acc {val_acc:.4f}, load {row['load']}")


if __name__ == '__main__':
    main()
