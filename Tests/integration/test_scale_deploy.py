"""The cluster manifests in deploy/: yamllint for all, kubernetes-validate for the core kinds,
and the MPIJob's and the hub's required fields checked against the image they run."""
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = pathlib.Path(sys.executable).parent


def documents(name):
    return [d for d in yaml.safe_load_all((DEPLOY / name).read_text()) if d]


def tool(name):
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: pip install -r scripts/requirements-test.txt")
    return str(path)


def test_yamllint_passes_strictly():
    out = subprocess.run([tool("yamllint"), "-s", "-c", str(DEPLOY / ".yamllint"), str(DEPLOY)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_core_kinds_validate_against_the_kubernetes_schema(tmp_path):
    core = [d for d in documents("mpijob.yaml") if "/" not in d["apiVersion"]]
    assert [d["kind"] for d in core] == ["PersistentVolumeClaim"]
    path = tmp_path / "core.yaml"
    path.write_text(yaml.safe_dump_all(core))
    out = subprocess.run([tool("kubernetes-validate"), "--strict", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def mpijob():
    (job,) = [d for d in documents("mpijob.yaml") if d["kind"] == "MPIJob"]
    return job


def container(job, role):
    spec = job["spec"]["mpiReplicaSpecs"][role]["template"]["spec"]
    (c,) = spec["containers"]
    return spec, c


def test_mpijob_has_the_fields_the_operator_requires():
    job = mpijob()
    assert job["apiVersion"] == "kubeflow.org/v2beta1"
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", job["metadata"]["name"])
    spec = job["spec"]
    assert spec["mpiImplementation"] == "OpenMPI"
    assert set(spec["mpiReplicaSpecs"]) == {"Launcher", "Worker"}
    assert spec["mpiReplicaSpecs"]["Launcher"]["replicas"] == 1
    workers = spec["mpiReplicaSpecs"]["Worker"]["replicas"]
    assert workers >= 1 and spec["slotsPerWorker"] >= 1
    for role in ("Launcher", "Worker"):
        pod, c = container(job, role)
        assert c["image"] and c["name"] and pod["securityContext"]["runAsUser"] == 1000


def test_mpijob_runs_tabby_train_on_every_slot_and_saves_to_the_shared_volume():
    job = mpijob()
    spec = job["spec"]
    pod, launcher = container(job, "Launcher")
    assert launcher["command"] == ["mpirun"]
    args = launcher["args"]
    np = int(args[args.index("-np") + 1])
    assert np == spec["mpiReplicaSpecs"]["Worker"]["replicas"] * spec["slotsPerWorker"]
    tabby = args.index("/usr/local/bin/tabby")
    assert args[tabby + 1] == "train"
    save = pathlib.PurePosixPath(args[args.index("--save") + 1])
    (claim,) = [d for d in documents("mpijob.yaml") if d["kind"] == "PersistentVolumeClaim"]
    assert "ReadWriteMany" in claim["spec"]["accessModes"]
    for role in ("Launcher", "Worker"):
        rpod, c = container(job, role)
        volumes = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in rpod["volumes"]}
        mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
        mount = next(p for p in mounts if save.is_relative_to(p))
        assert volumes[mounts[mount]] == claim["metadata"]["name"]


def test_mpijob_workers_run_the_images_sshd_where_the_keys_are_mounted():
    job = mpijob()
    _, worker = container(job, "Worker")
    assert worker["command"] == ["/usr/sbin/sshd"]
    config_path = worker["args"][worker["args"].index("-f") + 1]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"COPY docker/sshd_config {config_path}" in dockerfile
    sshd = (ROOT / "docker" / "sshd_config").read_text()
    port = int(re.search(r"^Port (\d+)", sshd, re.M).group(1))
    assert worker["readinessProbe"]["tcpSocket"]["port"] == port
    assert re.search(rf"^\s*Port {port}$", (ROOT / "docker" / "ssh_config").read_text(), re.M)
    host_key = re.search(r"^HostKey (\S+)", sshd, re.M).group(1)
    assert pathlib.PurePosixPath(host_key).parent == pathlib.PurePosixPath(job["spec"]["sshAuthMountPath"])
    assert "openssh-server" in (ROOT / "docker" / "install-runtime.sh").read_text()


def test_hub_values_use_the_image_as_single_user_server():
    (values,) = documents("jupyterhub/values.yaml")
    single = values["singleuser"]
    assert single["image"]["name"] == container(mpijob(), "Worker")[1]["image"].split(":")[0]
    assert "jupyterhub-singleuser" in single["cmd"]
    assert f"--uid {single['uid']}" in (ROOT / "Dockerfile").read_text()
    assert single["storage"]["homeMountPath"] == "/home/tabby/work"
    claims = [v["persistentVolumeClaim"]["claimName"] for v in single["storage"]["extraVolumes"]]
    assert claims == ["tabby-models"]
    assert "TABBY_HUB_VERSION" in (ROOT / "Dockerfile").read_text()
