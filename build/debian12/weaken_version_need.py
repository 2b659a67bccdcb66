"""Flags one version requirement of an ELF shared library weak (VER_FLG_WEAK in .gnu.version_r), so the dynamic
loader no longer refuses the library when the system's libstdc++ lacks that version.

Usage: python3 weaken_version_need.py LIBRARY VERSION_NAME      (64-bit little-endian ELF only)"""
import struct
import sys

VER_FLG_WEAK = 0x2
SHT_GNU_VERNEED = 0x6FFFFFFE


def main(path: str, version: str) -> int:
    with open(path, "r+b") as f:
        elf = bytearray(f.read())
        if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
            sys.exit(f"{path}: not a 64-bit little-endian ELF file")
        shoff, = struct.unpack_from("<Q", elf, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
        changed = 0
        for _, sh_type, _, _, offset, _, link, info, _, _ in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = sections[link][4]
            need = offset
            for _ in range(info):
                _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", elf, need)
                a = need + aux
                for _ in range(cnt):
                    _, flags, _, name, anext = struct.unpack_from("<IHHII", elf, a)
                    end = elf.index(b"\0", strtab + name)
                    if elf[strtab + name:end].decode() == version and not flags & VER_FLG_WEAK:
                        struct.pack_into("<H", elf, a + 4, flags | VER_FLG_WEAK)
                        changed += 1
                    a += anext
                need += nxt
        f.seek(0)
        f.write(elf)
    print(f"{path}: {version} flagged weak ({changed} entr{'y' if changed == 1 else 'ies'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
