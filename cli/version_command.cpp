#include "cli/command.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

#ifndef IHPA_VERSION
#define IHPA_VERSION "unknown"
#endif
#ifndef IHPA_GIT_COMMIT
#define IHPA_GIT_COMMIT "unknown"
#endif

namespace ihpa::cli {

void add_version_command(CLI::App& app, CommandAction& action)
{
    auto* cmd = app.add_subcommand("version", "Print the version and build information");
    cmd->callback([&action] {
        action = [] {
            std::cout << "ihpa " << IHPA_VERSION << " (commit " << IHPA_GIT_COMMIT << ", built with g++ "
                      << __VERSION__ << ", C++ " << __cplusplus << ")\n";
            return 0;
        };
    });
}

} // namespace ihpa::cli
