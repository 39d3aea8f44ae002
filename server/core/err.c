/* Names and default messages of pl_err, generated from PL_ERR_MAP. */
#include "core/err.h"

static const char *const codes[] = {
#define PL_ERR_CODE(name, code, msg) code,
    PL_ERR_MAP(PL_ERR_CODE)
#undef PL_ERR_CODE
};

static const char *const messages[] = {
#define PL_ERR_MSG(name, code, msg) msg,
    PL_ERR_MAP(PL_ERR_MSG)
#undef PL_ERR_MSG
};

const char *pl_err_code(pl_err e) {
  return (unsigned)e < PL_ERR__COUNT ? codes[e] : "internal";
}

const char *pl_err_message(pl_err e) {
  return (unsigned)e < PL_ERR__COUNT ? messages[e] : "internal error";
}
