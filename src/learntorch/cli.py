"""The ``learntorch`` command: ``learntorch info`` (and ``learntorch demo``)."""

from __future__ import annotations

import argparse
import platform
import sys


def info() -> str:
    """Versions and devices, as ``learntorch info`` prints them."""
    import numpy as np  # noqa: PLC0415

    from . import __version__, backend, cuda  # noqa: PLC0415

    lines = [
        f"learntorch {__version__}",
        f"python     {platform.python_version()} ({sys.executable})",
        f"numpy      {np.__version__}",
    ]
    cp = backend.cupy_module()
    if cp is None:
        try:
            import cupy  # noqa: F401, PLC0415

            lines.append("cupy       installed, but no GPU is visible")
        except Exception:
            lines.append("cupy       not installed (CPU only)")
    else:
        lines.append(f"cupy       {cp.__version__}")
    devices = ["cpu"]
    for i in range(cuda.device_count()):
        devices.append(f"cuda:{i} ({cuda.get_device_name(i)})")
    lines.append("devices    " + ", ".join(devices))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="learntorch", description="PyTorch you can see through.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="versions of learntorch, NumPy and CuPy, and the devices available")
    demo = sub.add_parser("demo", help="train a small CNN headless and write pictures of it")
    demo.add_argument("--out", default="learntorch-demo", help="output folder (default: ./learntorch-demo)")
    demo.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.command == "info":
        print(info())
    elif args.command == "demo":
        from .viz.demo import run_demo  # noqa: PLC0415

        run_demo(args.out, epochs=args.epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
