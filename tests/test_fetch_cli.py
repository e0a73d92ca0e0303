"""``igfkg fetch`` as users run it: CliRunner and the installed command as a subprocess, online (a local
E-utilities server on 127.0.0.1) and offline (nothing listening)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "sources"))
from eutils_server import EutilsServer, server  # noqa: E402,F401 (fixture)

pytestmark = pytest.mark.server


def invoke(tmp_path: Path, url: str, *args: str):
    env = {"IGFKG_NCBI_BASE_URL": url, "IGFKG_NCBI_API_KEY": "", "NCBI_API_KEY": ""}
    return CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "fetch", *args], env=env)


def test_fetch_with_references_into_the_default_raw_dir_then_nothing_to_do(server, tmp_path):
    result = invoke(tmp_path, server.url, "95000001", "--references")
    assert result.exit_code == 0, result.output
    out = tmp_path / "data" / "raw" / "pubmed"
    assert sorted(p.name for p in out.glob("*.xml")) == ["95000001.xml", "95000002.xml", "95000003.xml",
                                                        "95000005.xml"]
    assert "4 downloaded, 0 already cached, 0 not in PubMed, 3 cited works found to depth 1" in result.output
    count = len(server.log)
    again = invoke(tmp_path, server.url, "95000001", "--references")
    assert again.exit_code == 0, again.output
    assert "0 downloaded, 4 already cached" in again.output and "; 0 requests;" in again.output
    assert len(server.log) == count


def test_from_file_no_elink_depth_and_out(server, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("95000002\n# comment\n99999999\n", encoding="utf-8")
    result = invoke(tmp_path, server.url, "--from-file", str(ids), "--depth", "2", "--no-elink", "--out",
                    str(tmp_path / "dl"))
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (tmp_path / "dl").glob("*.xml")) == ["95000002", "95000004", "95000006"]
    assert "not in PubMed: 99999999" in result.output
    assert not any(s.endpoint == "elink.fcgi" for s in server.log)


def test_search(server, tmp_path):
    result = invoke(tmp_path, server.url, "--search", "IGF1R AND stem cells", "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (tmp_path / "s").glob("*.xml")) == ["95000001", "95000003"]


@pytest.mark.parametrize("bad", ["abc", "0", "-3"])
def test_bad_pmids_exit_1_write_nothing_and_send_nothing(server, tmp_path, bad):
    result = invoke(tmp_path, server.url, "95000001", bad)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"igfkg: error: PMID {bad!r} is not a positive number "
                                     "(PMIDs are digits, e.g. 38865036)")
    assert server.log == [] and not (tmp_path / "data").exists()


def test_no_pmids_and_unknown_options(tmp_path, server):
    result = invoke(tmp_path, server.url)
    assert result.exit_code == 1 and "no PMIDs given" in result.stderr
    result = invoke(tmp_path, server.url, "--refrences", "1")
    assert result.exit_code == 2 and "no such option: --refrences" in result.output


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/entrez/eutils/"


def run_cli(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "IGFKG_NCBI_BASE_URL": url}
    env.pop("NCBI_API_KEY", None)
    env.pop("IGFKG_NCBI_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "kg", "--data-dir", str(tmp_path / "data"), "fetch", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_subprocess_online(server, tmp_path):
    proc = run_cli(tmp_path, server.url, "95000003", "95000004")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "data" / "raw" / "pubmed").glob("*.xml")) == [
        "95000003.xml", "95000004.xml"]
    assert "2 downloaded" in proc.stdout


def test_subprocess_offline_is_one_line_and_writes_nothing(tmp_path):
    proc = run_cli(tmp_path, closed_port_url(), "38865036", "--references")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("igfkg: error: cannot reach 127.0.0.1:")
    assert lines[0].endswith("(check your network or set IGFKG_NCBI_BASE_URL)")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "data").exists()
