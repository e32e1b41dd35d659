#include "cli/build_info.hpp"
#include "cli/command.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace ihpa::cli {

void add_version_command(CLI::App& app, CommandAction& action)
{
    auto* cmd = app.add_subcommand("version", "Print the version and build information");
    cmd->callback([&action] {
        action = [] {
            std::cout << "ihpa " << kVersion << " (commit " << kGitCommit << ", built "
                      << kBuildDate << " with g++ " << __VERSION__ << ")\n";
            return 0;
        };
    });
}

} // namespace ihpa::cli
