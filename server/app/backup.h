/*
 * plenaryd backup --db FILE --to FILE and plenaryd restore --db FILE --from
 * FILE (backup.c): exit 0 when done, 1 when refused or failed (the reason on
 * stderr, nothing written), 2 for bad arguments.
 */
#ifndef PL_APP_BACKUP_H
#define PL_APP_BACKUP_H

int pl_backup_main(int argc, char **argv);
int pl_restore_main(int argc, char **argv);

#endif
