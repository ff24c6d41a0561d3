#ifndef SIAMD_CLIBPQ_SHIM_H
#define SIAMD_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
