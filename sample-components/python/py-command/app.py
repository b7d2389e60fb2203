"""A wasi:cli command in Python: shows its arguments, environment, the granted directories and
stdin, and says plainly what the host denied."""

import os
import sys

from wit_world import exports
from wit_world.imports import preopens


class Run(exports.Run):
    def run(self) -> None:
        args = sys.argv[1:]
        print(f"python {sys.version.split()[0]} says hello")
        print(f"arguments: {args if args else 'none'}")

        if os.environ:
            print(f"environment: {len(os.environ)} variable(s)")
            for key in sorted(os.environ):
                print(f"  {key}={os.environ[key]}")
        else:
            print("environment: DENIED (no variables granted)")

        granted = [path for _, path in preopens.get_directories()]
        if not granted:
            print("directories: DENIED (none granted)")
        for path in granted:
            try:
                names = sorted(os.listdir(path))
                print(f"directory {path}: {len(names)} entr{'y' if len(names) == 1 else 'ies'}")
                for name in names:
                    print(f"  {name}")
            except OSError as error:
                print(f"directory {path}: DENIED ({error.strerror})")

        text = sys.stdin.read()
        if text:
            print(f"stdin: {len(text)} character(s)")
            for line in text.splitlines():
                print(f"  > {line}")
        else:
            print("stdin: empty (nothing granted)")
