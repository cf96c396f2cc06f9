#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run a command on a pseudo-terminal and print the screen it leaves.

usage: pty-screen.py [--cols N] [--rows N] [--ctrl-c-when TEXT] [--raw FILE] -- CMD...

The command's stdout and stderr are the pty (a real terminal to it: isatty
is true, Ctrl-C is the line discipline's SIGINT). Its byte stream goes
through a small VT100 model (the escapes kmodpack writes: cursor up/down,
erase line, erase below; colours ignored); an escape the model does not
know is an error, so a new one cannot slip past the test. The screen,
scrollback included, is printed with trailing blanks removed. With
--ctrl-c-when, Ctrl-C is typed once TEXT is on the screen. Exits with the
command's exit status (128+N when a signal killed it).
"""
import argparse
import codecs
import os
import pty
import re
import select
import struct
import sys
import fcntl
import termios


class Screen:
    def __init__(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.lines = [[]]
        self.row = self.col = 0
        self.esc = None  # pending escape sequence

    def _line(self):
        while len(self.lines) <= self.row:
            self.lines.append([])
        return self.lines[self.row]

    def _top(self):
        # The first line still on the visible screen: what cursor-up can reach.
        return max(0, len(self.lines) - self.rows)

    def _put(self, ch):
        if self.col >= self.cols:
            self.row += 1
            self.col = 0
        line = self._line()
        while len(line) < self.col:
            line.append(" ")
        if self.col < len(line):
            line[self.col] = ch
        else:
            line.append(ch)
        self.col += 1

    def _csi(self, params, final):
        args = [int(a) if a else 0 for a in params.lstrip("?").split(";")] if params else []
        n = args[0] if args else 0
        if params.startswith("?"):
            if final in "hl":  # cursor visibility and the like
                return
        elif final == "A":
            self.row = max(self._top(), self.row - max(n, 1))
            return
        elif final == "B":
            self.row += max(n, 1)
            self._line()
            return
        elif final == "C":
            self.col = min(self.cols - 1, self.col + max(n, 1))
            return
        elif final == "D":
            self.col = max(0, self.col - max(n, 1))
            return
        elif final == "G":
            self.col = max(0, n - 1)
            return
        elif final == "K":
            line = self._line()
            if n == 0:
                del line[self.col:]
            elif n == 1:
                for i in range(min(self.col + 1, len(line))):
                    line[i] = " "
            elif n == 2:
                line.clear()
            return
        elif final == "J" and n == 0:
            del self._line()[self.col:]
            del self.lines[self.row + 1:]
            return
        elif final == "m":
            return
        raise ValueError("escape ESC[%s%s not modelled" % (params, final))

    def feed(self, text):
        for ch in text:
            if self.esc is not None:
                self.esc += ch
                if self.esc == "[":
                    continue
                if not self.esc.startswith("["):
                    raise ValueError("escape ESC%s not modelled" % self.esc)
                if re.fullmatch(r"\[[0-9;?]*", self.esc):
                    continue
                m = re.fullmatch(r"\[([0-9;?]*)([A-Za-z])", self.esc)
                if not m:
                    raise ValueError("escape ESC%s not modelled" % self.esc)
                self.esc = None
                self._csi(m.group(1), m.group(2))
            elif ch == "\033":
                self.esc = ""
            elif ch == "\r":
                self.col = 0
            elif ch == "\n":
                self.row += 1
                self._line()
            elif ch == "\b":
                self.col = max(0, self.col - 1)
            elif ch == "\t":
                self.col = min(self.cols - 1, (self.col // 8 + 1) * 8)
            elif ch >= " ":
                self._put(ch)

    def text(self):
        out = ["".join(l).rstrip() for l in self.lines]
        while out and not out[-1]:
            out.pop()
        return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cols", type=int, default=100)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--ctrl-c-when")
    ap.add_argument("--raw", help="also write the raw byte stream here")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", a.rows, a.cols, 0, 0))
    screen = Screen(a.cols, a.rows)
    raw = b""
    dec = codecs.getincrementaldecoder("utf-8")("replace")
    sent = False
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        raw += data
        screen.feed(dec.decode(data))
        if a.ctrl_c_when and not sent and a.ctrl_c_when in screen.text():
            os.write(fd, b"\x03")
            sent = True
    _, status = os.waitpid(pid, 0)
    if a.raw:
        with open(a.raw, "wb") as f:
            f.write(raw)
    sys.stdout.write(screen.text())
    if a.ctrl_c_when and not sent:
        sys.stderr.write("pty-screen: '%s' never appeared; Ctrl-C not typed\n" % a.ctrl_c_when)
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


if __name__ == "__main__":
    main()
