#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ihpa::test {

/// A child process with its stdout and stderr captured (merged) by a reader thread, for tests
/// that drive real binaries. Waiting is event-driven (condition variable, pidfd), never a sleep;
/// timeouts only guard against hangs. The destructor kills the process if it still runs.
class ChildProcess {
public:
    /// Starts `argv[0]` (a path or a name looked up in PATH) with `argv`.
    explicit ChildProcess(const std::vector<std::string>& argv);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    [[nodiscard]] bool started() const { return pid_ > 0; }
    [[nodiscard]] int pid() const { return pid_; }

    /// Waits until the output contains `needle`; returns the output from the line holding it to
    /// the end of that line, or nullopt on timeout or exit.
    std::optional<std::string> wait_for_output(const std::string& needle,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(30));
    /// Everything captured so far.
    [[nodiscard]] std::string output() const;
    /// Sends `signal`.
    void send_signal(int signal) const;
    /// Waits for the exit status (the exit code, or 128 + signal); nullopt on timeout. After an
    /// exit, also waits (up to `timeout` again) until the output pipe is drained, so `output()`
    /// then holds everything the process printed.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);

private:
    void read_output(int fd);

    int pid_ = -1;
    int pidfd_ = -1;
    std::optional<int> status_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::string output_;
    bool eof_ = false;
    std::thread reader_;
};

/// A running `ihpa serve`.
struct ServeInstance {
    std::unique_ptr<ChildProcess> process;
    int port = 0; ///< 0 when it did not start; `process->output()` says why
};

/// Starts `ihpa serve` on 127.0.0.1 with `--secure-port 0` and `args`, waits for its
/// "listening on" line to learn the bound port and for its "ready:" line (every source polled
/// once, so the metrics have their data; `/readyz` says ok from then on).
ServeInstance start_serve(const std::vector<std::string>& args);

/// The path of the `ihpa` binary under test.
[[nodiscard]] std::string ihpa_binary();

/// True when `name` is an executable found in PATH.
[[nodiscard]] bool have_program(const std::string& name);

/// A fresh temporary directory, removed by the destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

} // namespace ihpa::test
