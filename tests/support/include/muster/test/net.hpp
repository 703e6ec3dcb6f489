#pragma once

namespace muster::test {

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read
// the port the kernel picked, close). Another process may still take it
// before the caller binds, so servers started on it should retry.
int freeTcpPort();

}  // namespace muster::test
