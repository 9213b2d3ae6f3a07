/*
 * crc32.c — CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) of a .chb
 * body; the same value zlib's crc32() gives.  Bitwise with a nibble table:
 * a charter is loaded once, so 16 entries beat a 1 KB table in cache.
 */
#include "runtime/chb.h"

uint32_t chb_crc32(const unsigned char *p, size_t n) {
  static const uint32_t t[16] = {
      0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u, 0x4db26158u, 0x5005713cu,
      0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu, 0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu};
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    c = (c >> 4) ^ t[c & 15];
    c = (c >> 4) ^ t[c & 15];
  }
  return c ^ 0xffffffffu;
}
