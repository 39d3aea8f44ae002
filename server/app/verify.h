/*
 * plenaryd verify --db FILE (verify.c): checks every stream's hash chain.
 */
#ifndef PL_APP_VERIFY_H
#define PL_APP_VERIFY_H

/* Prints the first broken link (or that every chain holds) and returns the
 * exit status: 0 intact, 1 broken, 2 when the database cannot be read. */
int pl_verify_chains(const char *db);

#endif
