"""MS-OVBA compression (the LZ77 variant of [MS-OVBA] 2.4.1), written from the specification.

ms-ovba's own compressor emits wrong copy tokens once a stream passes about 1 KB (the dir stream of a
project with a handful of sheets, seen as modules olevba cannot parse), so the VBA builder uses this.
"""

from __future__ import annotations

CHUNK = 4096


def _bit_count(difference: int) -> int:
    bits = max((difference - 1).bit_length(), 0)
    return max(bits, 4)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    positions: dict[bytes, list[int]] = {}
    i = 0
    while i < len(chunk):
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if i >= len(chunk):
                break
            best_len, best_off = 0, 0
            if i > 0:
                bits = _bit_count(i)
                max_len = (0xFFFF >> bits) + 3
                for j in reversed(positions.get(chunk[i:i + 3], [])):
                    length = 0
                    while length < max_len and i + length < len(chunk) and chunk[j + length] == chunk[i + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, i - j
                        if length == max_len:
                            break
            step = best_len if best_len >= 3 else 1
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
            else:
                out.append(chunk[i])
            for k in range(i, i + step):
                positions.setdefault(chunk[k:k + 3], []).append(k)
            i += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    result = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= CHUNK:
            result += ((len(body) + 2 - 3) | 0x3000 | 0x8000).to_bytes(2, "little") + body
        elif len(chunk) == CHUNK:  # incompressible: store raw
            result += (0x0FFF | 0x3000).to_bytes(2, "little") + chunk
        else:
            raise ValueError("a short final chunk that does not compress cannot be stored raw")
    return bytes(result)
