/*
 * Unit tests of base/sign.h against published vectors: HMAC-SHA256 from
 * RFC 4231, base64url from RFC 4648 section 10 (and the two characters the
 * URL alphabet changes), and an HS256 token taken apart again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/sign.h"

static void hmac_rfc4231(void **state) {
  (void)state;
  char hex[PL_MAC_HEX_LEN];
  /* test case 2 */
  const char *data = "what do ya want for nothing?";
  assert_int_equal(pl_hmac_sha256_hex("Jefe", 4, data, strlen(data), hex), 0);
  assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  assert_true(pl_hmac_sha256_check("Jefe", 4, data, strlen(data),
                                   "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"));
  assert_false(pl_hmac_sha256_check("Jefe", 4, data, strlen(data),
                                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3844"));
  assert_false(pl_hmac_sha256_check("Jefe", 4, data, strlen(data), "5bdcc146"));
  assert_false(pl_hmac_sha256_check("Jefe", 4, data, strlen(data), NULL));
  /* test case 1: a 20-byte key of 0x0b */
  uint8_t key[20];
  memset(key, 0x0b, sizeof key);
  assert_int_equal(pl_hmac_sha256_hex(key, sizeof key, "Hi There", 8, hex), 0);
  assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

static void base64url_rfc4648(void **state) {
  (void)state;
  const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char *out[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  char buf[16];
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    assert_int_equal(pl_base64url(buf, sizeof buf, in[i], strlen(in[i])), (int)strlen(out[i]));
    assert_string_equal(buf, out[i]);
  }
  const uint8_t url[] = {0xfb, 0xff, 0xbf};
  assert_int_equal(pl_base64url(buf, sizeof buf, url, sizeof url), 4);
  assert_string_equal(buf, "-_-_");
  assert_int_equal(pl_base64url(buf, 4, "foo", 3), -1); /* no room for the NUL */
}

static void jwt_parts(void **state) {
  (void)state;
  json_t *claims = json_pack("{s:s, s:I}", "room", "r1", "exp", (json_int_t)1500006923);
  char *jwt = pl_jwt_hs256(claims, "secret", 6);
  json_decref(claims);
  assert_non_null(jwt);
  /* {"alg":"HS256","typ":"JWT"} and {"exp":1500006923,"room":"r1"}, sorted */
  const char *want = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE1MDAwMDY5MjMsInJvb20iOiJyMSJ9.";
  assert_memory_equal(jwt, want, strlen(want));
  uint8_t mac[PL_MAC_LEN];
  char sig[64];
  assert_int_equal(pl_hmac_sha256("secret", 6, jwt, strlen(want) - 1, mac), 0);
  assert_int_equal(pl_base64url(sig, sizeof sig, mac, sizeof mac), 43);
  assert_string_equal(jwt + strlen(want), sig);
  free(jwt);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hmac_rfc4231),
      cmocka_unit_test(base64url_rfc4648),
      cmocka_unit_test(jwt_parts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
