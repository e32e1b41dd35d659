#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace ihpa::cli {

/// What a selected subcommand does once the command line is parsed; returns the exit status.
using CommandAction = std::function<int()>;

/// Each `add_*_command` registers one subcommand (its flags and help) on `app`; when the user
/// selects it, parsing stores the subcommand's action in `action`.
void add_version_command(CLI::App& app, CommandAction& action);
void add_serve_command(CLI::App& app, CommandAction& action);
void add_backtest_command(CLI::App& app, CommandAction& action);
void add_simulate_command(CLI::App& app, CommandAction& action);

} // namespace ihpa::cli
