"""MXNet 1.9.1 Module reference for bench/train: the classic train_mnist symbols and settings."""
import argparse, gzip, json, os, resource, sys, time

import numpy as np
import mxnet as mx


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(directory, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    sys.exit(f"{directory}: missing {stem}")


def symbol(name):
    data = mx.sym.Variable("data")
    if name == "mlp":
        x = mx.sym.Flatten(data)
        x = mx.sym.Activation(mx.sym.FullyConnected(x, name="fc1", num_hidden=128), act_type="relu")
        x = mx.sym.Activation(mx.sym.FullyConnected(x, name="fc2", num_hidden=64), act_type="relu")
        x = mx.sym.FullyConnected(x, name="fc3", num_hidden=10)
    else:
        x = mx.sym.Convolution(data, name="conv1", kernel=(5, 5), num_filter=20)
        x = mx.sym.Pooling(mx.sym.Activation(x, act_type="tanh"), pool_type="max", kernel=(2, 2), stride=(2, 2))
        x = mx.sym.Convolution(x, name="conv2", kernel=(5, 5), num_filter=50)
        x = mx.sym.Pooling(mx.sym.Activation(x, act_type="tanh"), pool_type="max", kernel=(2, 2), stride=(2, 2))
        x = mx.sym.FullyConnected(mx.sym.Flatten(x), name="fc1", num_hidden=500)
        x = mx.sym.FullyConnected(mx.sym.Activation(x, act_type="tanh"), name="fc2", num_hidden=10)
    return mx.sym.SoftmaxOutput(x, name="softmax")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--net", default="lenet")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--wd", type=float, default=1e-4)
    a = p.parse_args()
    def images(stem):
        return read_idx(find(a.data, stem)).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    train = mx.io.NDArrayIter(images("train-images-idx3-ubyte"),
                              read_idx(find(a.data, "train-labels-idx1-ubyte")).astype(np.float32), a.batch,
                              shuffle=True)
    test = mx.io.NDArrayIter(images("t10k-images-idx3-ubyte"),
                             read_idx(find(a.data, "t10k-labels-idx1-ubyte")).astype(np.float32), 1000)
    mod = mx.mod.Module(symbol(a.net), context=mx.cpu())
    stamps, accuracy = [time.perf_counter()], []

    def epoch_end(epoch, sym, arg, aux):
        stamps.append(time.perf_counter())

    def eval_end(param):
        pass

    mod.bind(data_shapes=train.provide_data, label_shapes=train.provide_label)
    mod.init_params(mx.init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2))
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": a.lr, "momentum": a.momentum,
                                                          "wd": a.wd, "rescale_grad": 1.0 / a.batch})
    seconds = []
    metric = mx.metric.Accuracy()
    for epoch in range(a.epochs):
        train.reset()
        start = time.perf_counter()
        for batch in train:
            mod.forward_backward(batch)
            mod.update()
        mx.nd.waitall()
        seconds.append(time.perf_counter() - start)
        test.reset()
        metric.reset()
        mod.score(test, metric)
        accuracy.append(metric.get()[1])
        print(f"mxnet {a.net} epoch {epoch + 1}: {60000 / seconds[-1]:.0f} img/s test {accuracy[-1]:.4f}",
              file=sys.stderr, flush=True)
    steady = seconds[1:] or seconds
    print(json.dumps({
        "images_per_second": 60000 * len(steady) / sum(steady),
        "seconds_per_epoch": sum(steady) / len(steady),
        "test_accuracy": accuracy,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
