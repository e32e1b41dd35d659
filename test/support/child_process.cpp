#include "test/support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

extern char** environ;

namespace ihpa::test {

ChildProcess::ChildProcess(const std::vector<std::string>& argv)
{
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    std::vector<char*> raw;
    for (const auto& arg : argv) {
        raw.push_back(const_cast<char*>(arg.c_str()));
    }
    raw.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawnp(&pid, raw[0], &actions, nullptr, raw.data(), environ) == 0) {
        pid_ = pid;
        pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    reader_ = std::thread([this, fd = pipe_fds[0]] { read_output(fd); });
}

ChildProcess::~ChildProcess()
{
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        wait_exit(std::chrono::seconds(10));
    }
    if (reader_.joinable()) {
        reader_.join();
    }
    if (pidfd_ >= 0) {
        ::close(pidfd_);
    }
}

void ChildProcess::read_output(int fd)
{
    char chunk[4096];
    while (true) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0) {
            break;
        }
        const std::lock_guard lock(mutex_);
        output_.append(chunk, static_cast<std::size_t>(n));
        changed_.notify_all();
    }
    ::close(fd);
    const std::lock_guard lock(mutex_);
    eof_ = true;
    changed_.notify_all();
}

std::optional<std::string> ChildProcess::wait_for_output(const std::string& needle,
                                                         std::chrono::milliseconds timeout)
{
    std::unique_lock lock(mutex_);
    std::size_t at = std::string::npos;
    changed_.wait_for(lock, timeout, [&] {
        at = output_.find(needle);
        return at != std::string::npos || eof_;
    });
    if (at == std::string::npos) {
        return std::nullopt;
    }
    const std::size_t line_start = output_.rfind('\n', at);
    const std::size_t begin = line_start == std::string::npos ? 0 : line_start + 1;
    return output_.substr(begin, output_.find('\n', at) - begin);
}

std::string ChildProcess::output() const
{
    const std::lock_guard lock(mutex_);
    return output_;
}

void ChildProcess::send_signal(int signal) const
{
    if (pid_ > 0) {
        ::kill(pid_, signal);
    }
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout)
{
    if (status_ || pid_ <= 0) {
        return status_;
    }
    pollfd pfd{pidfd_, POLLIN, 0};
    if (pidfd_ >= 0 && ::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) {
        return std::nullopt;
    }
    int raw = 0;
    if (::waitpid(pid_, &raw, 0) != pid_) {
        return std::nullopt;
    }
    status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    // The reader may not have drained the pipe yet: output() must hold everything printed.
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [this] { return eof_; });
    return status_;
}

ServeInstance start_serve(const std::vector<std::string>& args)
{
    std::vector<std::string> argv{ihpa_binary(), "serve", "--secure-port", "0",
                                  "--bind-address", "127.0.0.1"};
    argv.insert(argv.end(), args.begin(), args.end());
    ServeInstance instance{std::make_unique<ChildProcess>(argv), 0};
    const auto line = instance.process->wait_for_output("listening on ");
    if (line && instance.process->wait_for_output("ready: ")) {
        const auto colon = line->rfind(':', line->find(" with "));
        instance.port = std::atoi(line->c_str() + colon + 1);
    }
    return instance;
}

std::string ihpa_binary()
{
    if (const char* env = std::getenv("IHPA_BINARY")) {
        return env;
    }
    return IHPA_BINARY;
}

bool have_program(const std::string& name)
{
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = dirs.find(':', start);
        const std::string dir = dirs.substr(start, end - start);
        if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) {
            return true;
        }
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return false;
}

TempDir::TempDir()
{
    std::string pattern = (std::filesystem::temp_directory_path() / "ihpa-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) {
        path_ = pattern;
    }
}

TempDir::~TempDir()
{
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

} // namespace ihpa::test
