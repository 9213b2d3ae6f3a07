/*
 * fuzz_gateway_request.c — libFuzzer target: arbitrary bytes as the body
 * of a chat or completions request to the gateway (gateway/gw_request.c:
 * jansson parse, message and content-part walk).  The first byte picks the
 * route and the non-text policy.  Built with the gateway's request and
 * allocation units compiled in (see FUZZ_EXTRA_fuzz_gateway_request).
 */
#include <stdint.h>
#include <stdlib.h>

#include "gateway/gw_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!size || size > (1u << 20)) return 0;
  gw_route route = data[0] & 1 ? GW_R_CHAT : GW_R_COMPLETIONS;
  gw_parsed p;
  char msg[256];
  gw_req_status st = gw_request_parse((const char *)data + 1, size - 1, route, data[0] & 2, &p, msg, sizeof msg);
  if (st == GW_REQ_OK) {
    for (size_t i = 0; i < p.pieces.n; i++)
      if (!json_is_string(p.pieces.v[i])) abort(); /* pieces are the screened strings */
    gw_parsed_free(&p);
  }
  return 0;
}
