# mk/gateway.mk — charter-gateway's test tools and benchmark (issue 6).
# Included by the top Makefile (`-include mk/*.mk`); the gateway binary
# itself is built by the top Makefile from gateway/*.c.
#
#   make gateway-tools   fake upstream + load client (used by
#                        tests/e2e/gateway.sh, which builds them on demand)
#   make bench-gateway   latency added by the gateway and requests/s
#                        (bench/bench_gateway.sh; prints, never asserts)

GW_FAKE := $(BUILD)/tests/gateway/fake-upstream
GW_LOAD := $(BUILD)/bench/gw-load

.PHONY: gateway-tools bench-gateway

gateway-tools: $(GW_FAKE) $(GW_LOAD)

$(GW_FAKE): tests/gateway/fake_upstream.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call pc,jansson libmicrohttpd) -o $@ $< \
	  $(ALL_LDFLAGS) $(call pl,jansson libmicrohttpd)

$(GW_LOAD): bench/gw_load.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call pc,libcurl) -o $@ $< $(ALL_LDFLAGS) $(call pl,libcurl)

bench-gateway: $(BUILD)/charter-gateway $(BUILD)/charterc gateway-tools
	@BUILD=$(BUILD) sh bench/bench_gateway.sh

BENCH_TARGETS += bench-gateway
