/* The one server (server.h); app/server.c points it at its state. */
#include "base/server.h"

pl_server *pl_srv;
