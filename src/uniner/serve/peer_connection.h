// Whether the client of a request is still connected, so that the work of a client that went away
// is cancelled instead of decoded for nobody.
//
// Why this way: Debian's cpp-httplib (0.11.4) gives a handler no way to learn that its client
// disconnected (later versions have Request::is_connection_closed), nor the connection's socket.
// A handler knows the peer's address and port and the local port, and those name exactly one
// connected socket of this process: it is found once in /proc/self/fd (getpeername and getsockname
// of each socket) and then polled. The socket stays open while the handler runs (httplib closes
// it only after the handler returns), so the descriptor cannot be reused under us.
#pragma once

#include <string>

namespace uniner::serve {

class PeerConnection {
 public:
  // Finds the socket; when none matches (not Linux, no /proc) closed() is always false.
  PeerConnection(const std::string& remote_addr, int remote_port, int local_port);

  // True once the peer has closed or reset the connection (or shut down its sending side).
  bool closed() const;
  bool found() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace uniner::serve
