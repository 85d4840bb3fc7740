"""The cost model of one data-parallel step in docs/scaling.md, as a table.

step(N) = compute + allreduce, no overlap (Tabby reduces one fused buffer after backward):
  compute   = per-rank batch × seconds per image on one rank
  allreduce = 2(N−1)·α + 2(N−1)/N · S / β      (ring: reduce-scatter then all-gather)
  efficiency = compute / step;  speed-up = N × efficiency (weak scaling: global batch = N × batch)
Usage: python3 bench/scale/model.py [--lenet-ms-per-image 0.336] [--batch 64]"""
import argparse

LINKS = {"10 Gb/s": (10e9 / 8, 20e-6), "25 Gb/s": (25e9 / 8, 15e-6), "100 Gb/s": (100e9 / 8, 5e-6)}
RANKS = (8, 64, 512)


def allreduce_seconds(ranks, size_bytes, bandwidth, latency):
    return 2 * (ranks - 1) * latency + 2 * (ranks - 1) / ranks * size_bytes / bandwidth


def table(name, params, ms_per_image, batch):
    size = 4 * params
    compute = batch * ms_per_image / 1000
    print(f"\n{name}: {params:,} parameters ({size / 1e6:.2f} MB of gradients), "
          f"{ms_per_image} ms/image/rank, batch {batch} per rank → compute {compute * 1000:.1f} ms/step\n")
    print("| link (α) | " + " | ".join(f"{n} ranks" for n in RANKS) + " |")
    print("|---|" + "---|" * len(RANKS))
    for link, (bw, lat) in LINKS.items():
        cells = []
        for n in RANKS:
            ar = allreduce_seconds(n, size, bw, lat)
            eff = compute / (compute + ar)
            cells.append(f"{ar * 1000:.1f} ms, {100 * eff:.0f} % ({n * eff:.0f}×)")
        print(f"| {link} ({lat * 1e6:.0f} µs) | " + " | ".join(cells) + " |")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lenet-ms-per-image", type=float, default=0.336)
    p.add_argument("--resnet-cpu-ms-per-image", type=float, default=154.0)
    p.add_argument("--resnet-gpu-ms-per-image", type=float, default=0.5)
    p.add_argument("--batch", type=int, default=64)
    a = p.parse_args()
    table("LeNet", 431_080, a.lenet_ms_per_image, a.batch)
    table("ResNet-18, CPU rank (one core)", 11_689_512, a.resnet_cpu_ms_per_image, 32)
    table("ResNet-18, GPU-class rank", 11_689_512, a.resnet_gpu_ms_per_image, a.batch)


if __name__ == "__main__":
    main()
