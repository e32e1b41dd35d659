#pragma once

#include "test/support/child_process.hpp"

#include <expected>
#include <memory>
#include <string>
#include <vector>

namespace ihpa::test {

/// How a throwaway `redis-server` is started.
struct RedisServerOptions {
    std::string password; ///< `--requirepass` when not empty
};

/// A real `redis-server` for integration tests: 127.0.0.1 on a free port, no persistence
/// (`--save "" --appendonly no`), a Unix socket in its own temporary directory, optional
/// `--requirepass`. Start-up waits for the server's "ready" log line, then for a PING answer,
/// both within a bounded deadline; a port taken meanwhile by someone else is retried with another
/// one. The destructor kills the server. Tests check `available()` first and skip without it.
class RedisServer {
public:
    /// True when `redis-server` is in PATH.
    [[nodiscard]] static bool available();

    /// Starts the server; `running()` tells whether it came up, `error()` why not.
    explicit RedisServer(RedisServerOptions options = {});
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    [[nodiscard]] bool running() const { return process_ != nullptr; }
    /// Why the last start failed, with the server's output.
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] int port() const { return port_; }
    /// `127.0.0.1:<port>`.
    [[nodiscard]] std::string address() const;
    /// The path of the server's Unix socket.
    [[nodiscard]] std::string unix_socket() const;

    /// Kills the server (SIGKILL, like a crash) and waits until it has exited.
    void kill();
    /// Starts the server again on the same port (without data: nothing is persisted); false,
    /// with `error()`, when it does not come up.
    bool restart();

    /// Runs one command as a separate client on `database` (to set keys up); the reply as text
    /// (integers in decimal, `(nil)`, arrays as their size) or the error reply.
    [[nodiscard]] std::expected<std::string, std::string>
    command(const std::vector<std::string>& argv, int database = 0) const;

private:
    bool start();

    RedisServerOptions options_;
    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> process_;
    std::string error_;
};

} // namespace ihpa::test
