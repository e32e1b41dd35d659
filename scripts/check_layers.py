#!/usr/bin/env python3
"""Checks the edges between the folders of ihpa against the table in scripts/layers.txt.

An edge is an `#include "folder/..."` in a C++ file, an `#include <lib/...>` of a known
third-party library, or a target named in a folder's CMakeLists.txt (`ihpa_<folder>`,
`Eigen3::Eigen`, ...). Every edge the table does not allow is printed as
`file:line: <what>: <rule>` and the exit status is 1; 0 when every edge is allowed.

Usage: check_layers.py [--root DIR] [--table FILE]
"""

import argparse
import os
import re
import sys

SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".cc")
SKIPPED_DIRS = {".git", ".ci", "cmake", "docs", "examples", "scripts", "certs", "fixtures"}

# Third-party libraries by the first part of their include path, and by their CMake targets.
THIRD_PARTY_INCLUDES = {
    "boost": "Boost", "Eigen": "Eigen", "unsupported": "Eigen", "nlohmann": "nlohmann_json",
    "openssl": "OpenSSL", "yaml-cpp": "yaml-cpp", "hiredis.h": "hiredis", "hiredis": "hiredis",
    "curl": "libcurl", "CLI": "CLI11", "gtest": "GTest", "gmock": "GTest", "libxml": "libxml2",
    "benchmark": "benchmark", "re2": "RE2", "date": "date",
}
THIRD_PARTY_TARGETS = {
    "Eigen3::Eigen": "Eigen", "nlohmann_json::nlohmann_json": "nlohmann_json",
    "yaml-cpp": "yaml-cpp", "PkgConfig::HIREDIS": "hiredis", "CURL::libcurl": "libcurl",
    "PkgConfig::CURL": "libcurl", "CLI11::CLI11": "CLI11", "LibXml2::LibXml2": "libxml2",
    "benchmark::benchmark": "benchmark", "PkgConfig::RE2": "RE2", "date::date-tz": "date",
    "date::date": "date",
}
THIRD_PARTY_TARGET_PREFIXES = {"Boost::": "Boost", "OpenSSL::": "OpenSSL", "GTest::": "GTest"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
TARGET = re.compile(r"[A-Za-z0-9_:+-]+")
# The CMake commands whose arguments name what a folder links.
LINK_COMMANDS = re.compile(r"\b(ihpa_library|ihpa_test|target_link_libraries)\s*\(", re.I)


class Rule:
    """One row of the table: what `folder` may use, and the line that says so."""

    def __init__(self, folder, uses, third_party, where):
        self.folder = folder
        self.uses = uses  # None = all; else {folder: None (all headers) | set of headers}
        self.third_party = third_party  # None = all; else a set
        self.where = where

    def describe(self):
        ours = "every folder" if self.uses is None else (
            ", ".join(f + ("(" + ", ".join(sorted(h)) + ")" if h else "")
                      for f, h in self.uses.items()) or "none of our folders")
        theirs = "any library" if self.third_party is None else (
            ", ".join(sorted(self.third_party)) or "no third-party library")
        return f"{self.folder} may use {ours}; {theirs} ({self.where})"


def parse_list(text):
    return [] if text == "-" else [item for item in text.split(",") if item]


def parse_uses(text):
    if text == "*":
        return None
    uses = {}
    for item in re.findall(r"[^,()]+(?:\([^)]*\))?", "" if text == "-" else text):
        name, _, headers = item.partition("(")
        uses[name] = set(parse_list(headers.rstrip(")"))) or None
    return uses


def load_table(path, root):
    rules, public, errors = {}, {}, []
    shown = os.path.relpath(path, root) if not os.path.relpath(path, root).startswith("..") \
        else path
    with open(path, encoding="utf-8") as table:
        for number, line in enumerate(table, 1):
            where = f"{shown}:{number}"
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if words[0] == "public" and len(words) == 3:
                public[words[1]] = (set(parse_list(words[2])), where)
            elif len(words) == 3:
                third = None if words[2] == "*" else set(parse_list(words[2]))
                rules[words[0]] = Rule(words[0], parse_uses(words[1]), third, where)
            else:
                errors.append(f"{path}:{number}: expected `folder uses third-party` or "
                              f"`public folder headers`, got: {line.strip()}")
    return rules, public, errors


def folder_of(relative):
    return relative.split("/", 1)[0]


def check_ours(rules, public, folder, target, header, where, text):
    """The violation of including `header` of our folder `target` from `folder`, if any."""
    if target == folder:
        return None
    rule = rules[folder]
    if rule.uses is not None:
        if target not in rule.uses:
            return f"{where}: {text}: {rule.describe()}"
        narrowed = rule.uses[target]
        if header is not None and narrowed is not None and header not in narrowed:
            return f"{where}: {text}: {rule.describe()}"
    if header is not None and folder not in ("test", "bench", "fuzz") and target in public:
        headers, public_where = public[target]
        if header not in headers:
            return (f"{where}: {text}: not a public header of {target} (public: "
                    f"{', '.join(sorted(headers))}; {public_where})")
    return None


def check_third_party(rules, folder, library, where, text):
    allowed = rules[folder].third_party
    if allowed is not None and library not in allowed:
        return f"{where}: {text}: {rules[folder].describe()}"
    return None


def check_source(root, relative, rules, public, known_folders):
    folder = folder_of(relative)
    problems = []
    with open(os.path.join(root, relative), encoding="utf-8", errors="replace") as source:
        for number, line in enumerate(source, 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            where = f"{relative}:{number}"
            quote, path = match.groups()
            first, _, rest = path.partition("/")
            if quote == '"' and rest and first in known_folders:
                text = f"includes {path}"
                problems.append(check_ours(rules, public, folder, first, rest, where, text))
            elif quote == "<" and first in THIRD_PARTY_INCLUDES:
                library = THIRD_PARTY_INCLUDES[first]
                problems.append(check_third_party(rules, folder, library, where,
                                                  f"includes <{path}> ({library})"))
    return [p for p in problems if p]


def link_arguments(text):
    """(line, word) for every word inside the link commands of a CMakeLists text."""
    for match in LINK_COMMANDS.finditer(text):
        depth, position = 1, match.end()
        while position < len(text) and depth > 0:
            depth += {"(": 1, ")": -1}.get(text[position], 0)
            position += 1
        body_start = match.end()
        body = text[body_start:position - 1]
        for word in TARGET.finditer(re.sub(r"#[^\n]*", lambda c: " " * len(c.group()), body)):
            line = text.count("\n", 0, body_start + word.start()) + 1
            yield line, word.group()


def check_cmake(root, relative, rules, public, known_folders):
    folder = folder_of(relative)
    problems = []
    with open(os.path.join(root, relative), encoding="utf-8") as cmake:
        text = cmake.read()
    for line, word in link_arguments(text):
        where = f"{relative}:{line}"
        if word.startswith("ihpa_") and word[5:] in known_folders and word != "ihpa_warnings":
            problems.append(check_ours(rules, public, folder, word[5:], None, where,
                                       f"links {word}"))
            continue
        library = THIRD_PARTY_TARGETS.get(word) or next(
            (name for prefix, name in THIRD_PARTY_TARGET_PREFIXES.items()
             if word.startswith(prefix)), None)
        if library:
            problems.append(check_third_party(rules, folder, library, where,
                                              f"links {word} ({library})"))
    return [p for p in problems if p]


def tracked_files(root):
    for directory, subdirs, files in os.walk(root):
        relative_dir = os.path.relpath(directory, root)
        if relative_dir == ".":
            subdirs[:] = [d for d in subdirs
                          if d not in SKIPPED_DIRS and not d.startswith(("build", "."))]
        else:
            subdirs[:] = [d for d in subdirs if d not in SKIPPED_DIRS]
        for name in sorted(files):
            yield os.path.normpath(os.path.join(relative_dir, name)).replace(os.sep, "/")


def check(root, table):
    rules, public, problems = load_table(table, root)
    known = set(rules)
    for relative in tracked_files(root):
        if "/" not in relative:
            continue  # the top-level CMakeLists.txt assembles the folders
        folder = folder_of(relative)
        is_source = relative.endswith(SOURCE_SUFFIXES)
        is_cmake = os.path.basename(relative) == "CMakeLists.txt"
        if not (is_source or is_cmake):
            continue
        if folder not in rules:
            problems.append(f"{relative}: folder {folder} is not in {os.path.basename(table)}; "
                            f"add a row saying what it may use")
            known.add(folder)
            rules[folder] = Rule(folder, {}, set(), "no row")
            continue
        checker = check_source if is_source else check_cmake
        problems.extend(checker(root, relative, rules, public, known))
    return problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.dirname(here))
    parser.add_argument("--table", default=os.path.join(here, "layers.txt"))
    args = parser.parse_args()
    problems = check(args.root, args.table)
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_layers: {len(problems)} edge(s) not allowed by {args.table}", file=sys.stderr)
        return 1
    print("check_layers: every edge is allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
