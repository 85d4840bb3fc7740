# syntax=docker/dockerfile:1
# Tabby in a container: JupyterLab with the Tabby kernel, the notebooks and the
# Fashion-MNIST data, behind a password. See docs/deploy.md.
#
#   docker build -t tabby .
#   docker run --rm -p 127.0.0.1:8888:8888 -e TABBY_PASSWORD -v tabby-work:/home/tabby/work tabby
#
# GPU-capable image (ctx(gpu)): the CUDA libraries come from PyPI wheels, no CUDA base image:
#   docker build --build-arg TABBY_CUDA=12 -t tabby-gpu .     # or TABBY_CUDA=13
#   docker run --gpus all --rm -p 127.0.0.1:8888:8888 -e TABBY_PASSWORD tabby-gpu
#
# The runtime steps live in docker/install-runtime.sh, which CI runs as well
# (Tests/integration/test_deploy.py), so the image and the tests cannot drift apart.

# Pinned tags: the Swift release the tests run with, and a Debian 12 point release
# (bump both deliberately, together with the CI machine).
ARG SWIFT_IMAGE=swift:6.3.1-bookworm
ARG DEBIAN_IMAGE=debian:12.11-slim

# ---- build: the tabby binary, release mode, Swift runtime linked in ----
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      pkg-config libzmq3-dev libssl-dev libargon2-dev libopenblas-dev \
      libjpeg62-turbo-dev libpng-dev zlib1g-dev libcurl4-openssl-dev libopenmpi-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest names the test targets too, so their directories come along.
# Package.swift pins its dependencies to exact versions (there is no Package.resolved in
# git), so the image builds the same code as CI.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product tabby --static-swift-stdlib \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/tabby" /out/tabby

# ---- models (optional): pretrained weights, checksummed, fetched at build time ----
FROM ${DEBIAN_IMAGE} AS models
# Space-separated model names listed in docker/models.sha256; empty: none.
ARG TABBY_PRETRAINED=""
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY docker/fetch-models.sh docker/models.sha256 /opt/tabby-setup/
RUN mkdir -p /opt/tabby/models \
 && if [ -n "$TABBY_PRETRAINED" ]; then /opt/tabby-setup/fetch-models.sh /opt/tabby/models $TABBY_PRETRAINED; fi

# ---- runtime: Debian slim, runtime libraries, JupyterLab venv, kernelspec ----
FROM ${DEBIAN_IMAGE} AS runtime
COPY --from=build /out/tabby /usr/local/bin/tabby
COPY docker/install-runtime.sh docker/requirements-runtime.txt /opt/tabby-setup/
RUN /opt/tabby-setup/install-runtime.sh --prefix /opt/tabby/venv --tabby /usr/local/bin/tabby \
 && rm -rf /var/lib/apt/lists/* /root/.cache
# Empty: CPU only. 12 or 13: cuBLAS and NVRTC wheels into the venv, where Tabby's library
# search looks ($VIRTUAL_ENV/lib/python3*/site-packages/nvidia/*/lib, docs/gpu.md); the
# driver's libcuda.so.1 is mounted by `docker run --gpus all`.
ARG TABBY_CUDA=""
RUN case "$TABBY_CUDA" in \
      "") ;; \
      12) /opt/tabby/venv/bin/pip install --no-cache-dir nvidia-cublas-cu12 nvidia-cuda-nvrtc-cu12 ;; \
      13) /opt/tabby/venv/bin/pip install --no-cache-dir nvidia-cublas nvidia-cuda-nvrtc ;; \
      *) echo "TABBY_CUDA must be empty, 12 or 13" >&2; exit 1 ;; \
    esac
COPY docker/entrypoint.sh /usr/local/bin/tabby-entrypoint
COPY docker/healthcheck.py /usr/local/bin/tabby-healthcheck
# Data-parallel training (docs/scaling.md, deploy/mpijob.yaml): the image is also an MPI worker,
# an unprivileged sshd on port 2222 that mpirun's launcher reaches with the operator's keys.
COPY docker/sshd_config /etc/tabby/sshd_config
COPY docker/ssh_config /etc/ssh/ssh_config.d/tabby-mpi.conf
# Zero-to-JupyterHub (deploy/jupyterhub/values.yaml) runs jupyterhub-singleuser: set to the
# hub's JupyterHub version to build a hub image; empty: none.
ARG TABBY_HUB_VERSION=""
RUN if [ -n "$TABBY_HUB_VERSION" ]; then \
      /opt/tabby/venv/bin/pip install -q --no-cache-dir "jupyterhub==$TABBY_HUB_VERSION"; fi
COPY notebooks /opt/tabby/notebooks
COPY --from=models /opt/tabby/models /opt/tabby/models
COPY LICENSE /opt/tabby/LICENSE

# A fixed, unprivileged user; its work directory is the volume that outlives containers
# (notebooks, models, JupyterLab settings). Fashion-MNIST is in
# /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).
RUN useradd --create-home --uid 1000 --user-group --shell /usr/sbin/nologin tabby \
 && mkdir -p /home/tabby/work/models \
 && chown -R tabby:tabby /home/tabby
ENV PATH=/opt/tabby/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/tabby/venv \
    TABBY_HOME=/home/tabby/work \
    TABBY_CACHE=/home/tabby/work/.cache/tabby \
    TABBY_MODELS=/home/tabby/work/models \
    JUPYTERLAB_SETTINGS_DIR=/home/tabby/work/.jupyter/lab/user-settings \
    JUPYTERLAB_WORKSPACES_DIR=/home/tabby/work/.jupyter/lab/workspaces \
    PYTHONDONTWRITEBYTECODE=1 \
    OMPI_ALLOW_RUN_AS_ROOT=1 \
    OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# (The two OMPI_ variables matter only when the container is run as root, e.g. `--user 0` or a
# cluster's root launcher: Open MPI refuses root unless told. The image's own user is tabby.)
USER tabby
WORKDIR /home/tabby/work
VOLUME ["/home/tabby/work"]
EXPOSE 8888
# Asks the server where the entrypoint made it listen (TABBY_IP, TABBY_PORT, same defaults);
# under `serve ...` it asks tabby serve's /v2/health/ready at the --host/--port it was given.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["/usr/local/bin/tabby-healthcheck"]
# The entrypoint runs as PID 1 and, once the password is out of its environment,
# execs tini (which reaps the kernels' orphans) with JupyterLab under it. Do not add
# `docker run --init`: that init would keep TABBY_PASSWORD in /proc/1/environ.
ENTRYPOINT ["/usr/local/bin/tabby-entrypoint"]
