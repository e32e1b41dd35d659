#!/usr/bin/env python3
"""Tests of scripts/check_layers.py on small trees written to a temporary folder: the checker
must pass an allowed tree and name file, line and rule for each kind of wrong edge."""

import os
import subprocess
import sys
import tempfile
import unittest

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                       "check_layers.py")

TABLE = """\
# folder   uses                        third-party
common     -                           -
model      -                           Eigen
adapter    model,common                yaml-cpp
controller adapter(serving/registry.hpp),common  -
kube       common                      -
cli        *                           *
public adapter  serving/registry.hpp,adapter.hpp
"""

GOOD = {
    "common/text.hpp": "#pragma once\n#include <string>\n",
    "common/CMakeLists.txt": "ihpa_library(ihpa_common SOURCES text.cpp DEPS)\n",
    "model/series.hpp": "#include <Eigen/Core>\n",
    "model/CMakeLists.txt": "ihpa_library(ihpa_model SOURCES a.cpp DEPS Eigen3::Eigen)\n",
    "adapter/adapter.hpp": '#include "adapter/serving/registry.hpp"\n#include "model/series.hpp"\n',
    "adapter/serving/registry.hpp": '#include "adapter/serving/internal.hpp"\n',
    "adapter/CMakeLists.txt": "ihpa_library(ihpa_adapter\n    SOURCES a.cpp\n"
                              "    DEPS ihpa_model ihpa_common yaml-cpp)\n",
    "controller/main.cpp": '#include "adapter/serving/registry.hpp"\n#include <vector>\n',
    "cli/main.cpp": '#include "adapter/adapter.hpp"\n#include <CLI/CLI.hpp>\n',
}


class CheckLayersTest(unittest.TestCase):
    def run_checker(self, changes):
        with tempfile.TemporaryDirectory() as root:
            files = dict(GOOD)
            files.update(changes)
            for relative, text in files.items():
                if text is None:
                    continue
                path = os.path.join(root, relative)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as out:
                    out.write(text)
            table = os.path.join(root, "layers.txt")
            with open(table, "w", encoding="utf-8") as out:
                out.write(TABLE)
            result = subprocess.run([sys.executable, CHECKER, "--root", root, "--table", table],
                                    capture_output=True, text=True, check=False)
            return result.returncode, result.stdout.splitlines()

    def assert_rejected(self, changes, expected):
        code, lines = self.run_checker(changes)
        self.assertEqual(code, 1, lines)
        self.assertIn(expected, lines)

    def test_an_allowed_tree_passes_and_absent_folders_are_tolerated(self):
        code, lines = self.run_checker({})  # kube/ is in the table but does not exist
        self.assertEqual(code, 0, lines)
        self.assertEqual(lines, ["check_layers: every edge is allowed"])

    def test_a_wrong_include_edge_names_file_line_and_rule(self):
        self.assert_rejected(
            {"common/text.cpp": '#include "common/text.hpp"\n\n#include "model/series.hpp"\n'},
            "common/text.cpp:3: includes model/series.hpp: common may use none of our folders; "
            "no third-party library (layers.txt:2)")

    def test_a_wrong_link_edge_names_the_cmake_line(self):
        self.assert_rejected(
            {"model/CMakeLists.txt": "ihpa_library(ihpa_model SOURCES a.cpp\n"
                                     "    DEPS Eigen3::Eigen ihpa_adapter)\n"},
            "model/CMakeLists.txt:2: links ihpa_adapter: model may use none of our folders; "
            "Eigen (layers.txt:3)")

    def test_a_third_party_library_outside_the_table_is_rejected(self):
        self.assert_rejected({"model/fit.cpp": "#include <boost/asio.hpp>\n"},
                             "model/fit.cpp:1: includes <boost/asio.hpp> (Boost): model may use "
                             "none of our folders; Eigen (layers.txt:3)")
        self.assert_rejected(
            {"common/CMakeLists.txt": "ihpa_library(ihpa_common SOURCES a.cpp DEPS OpenSSL::SSL)\n"},
            "common/CMakeLists.txt:1: links OpenSSL::SSL (OpenSSL): common may use none of our "
            "folders; no third-party library (layers.txt:2)")

    def test_an_internal_header_is_out_of_other_folders_reach(self):
        self.assert_rejected(
            {"cli/run.cpp": '#include "adapter/serving/internal.hpp"\n'},
            "cli/run.cpp:1: includes adapter/serving/internal.hpp: not a public header of adapter "
            "(public: adapter.hpp, serving/registry.hpp; layers.txt:8)")

    def test_a_narrowed_edge_allows_only_its_headers(self):
        self.assert_rejected(
            {"controller/main.cpp": '#include "adapter/adapter.hpp"\n'},
            "controller/main.cpp:1: includes adapter/adapter.hpp: controller may use "
            "adapter(serving/registry.hpp), common; no third-party library (layers.txt:5)")

    def test_a_folder_missing_from_the_table_is_an_error(self):
        self.assert_rejected({"extra/x.cpp": "int x;\n"},
                             "extra/x.cpp: folder extra is not in layers.txt; add a row saying "
                             "what it may use")

    def test_comments_in_cmake_are_not_edges(self):
        code, lines = self.run_checker(
            {"common/CMakeLists.txt": "ihpa_library(ihpa_common SOURCES a.cpp\n"
                                      "    # not ihpa_model\n    DEPS)\n"})
        self.assertEqual(code, 0, lines)


if __name__ == "__main__":
    unittest.main()
