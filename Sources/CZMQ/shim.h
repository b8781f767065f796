#ifndef MRS_CZMQ_SHIM_H
#define MRS_CZMQ_SHIM_H
// ZeroMQ carries the Jupyter messaging protocol (shell, iopub, stdin, control, heartbeat sockets).
#include <zmq.h>
#endif
