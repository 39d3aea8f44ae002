/*
 * plenaryctl's CSV rows (ctl/csv.c) as spreadsheets write them: a byte-order
 * mark, CRLF, quoted commas and doubled quotes, empty cells, blank lines, and
 * a quote never closed refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"

static void rows_as_spreadsheets_write_them(void **state) {
  (void)state;
  const char *text = "\xEF\xBB\xBFname,kind,tz\r\n"
                     "\"Korea, Republic of\",state,Asia/Seoul\r\n"
                     "\r\n"
                     "\"Say \"\"hi\"\"\",,UTC\n"
                     "last,row,\"multi\nline\"";
  ctl_csv row = {0};
  size_t pos = 0;
  assert_int_equal(ctl_csv_row(text, &pos, &row), 1);
  assert_int_equal(row.n, 3);
  assert_string_equal(row.cells[0], "name");
  assert_int_equal(ctl_csv_row(text, &pos, &row), 1);
  assert_string_equal(row.cells[0], "Korea, Republic of");
  assert_string_equal(row.cells[2], "Asia/Seoul");
  assert_int_equal(ctl_csv_row(text, &pos, &row), 1);
  assert_string_equal(row.cells[0], "Say \"hi\"");
  assert_string_equal(row.cells[1], "");
  assert_int_equal(ctl_csv_row(text, &pos, &row), 1);
  assert_string_equal(row.cells[2], "multi\nline");
  assert_int_equal(ctl_csv_row(text, &pos, &row), 0);
  ctl_csv_release(&row);
}

static void a_quote_never_closed(void **state) {
  (void)state;
  ctl_csv row = {0};
  size_t pos = 0;
  assert_int_equal(ctl_csv_row("a,\"b,c\n", &pos, &row), -1);
  ctl_csv_release(&row);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rows_as_spreadsheets_write_them),
      cmocka_unit_test(a_quote_never_closed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
