#pragma once

#ifdef __cplusplus
extern "C" {
#endif

int format_hex64(char* out, unsigned long n, unsigned long long v);

#ifdef __cplusplus
}
#endif
