// Composition root of the `ihpa` binary: subcommands are registered here, built elsewhere.
#include "cli/command.hpp"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"ihpa: predictive horizontal pod autoscaling for Kubernetes", "ihpa"};
    app.require_subcommand(1);
    ihpa::cli::CommandAction action;
    ihpa::cli::add_serve_command(app, action);
    ihpa::cli::add_version_command(app, action);
    ihpa::cli::add_backtest_command(app, action);
    ihpa::cli::add_simulate_command(app, action);
    CLI11_PARSE(app, argc, argv);
    try {
        return action ? action() : 2;
    } catch (const std::exception& e) {
        std::cerr << "ihpa: " << e.what() << '\n';
        return 1;
    }
}
