#include "net/token_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ihpa::net {
namespace {

TEST(TokenFile, IsReadAgainWhenItChanges)
{
    const std::string file = testing::TempDir() + "rotating.token";
    std::ofstream(file) << "  first\n";
    const auto supplier = token_file_supplier(file);
    EXPECT_EQ(supplier().value(), "first");
    std::ofstream(file) << "second-token\n"; // another size: seen even within the same mtime tick
    EXPECT_EQ(supplier().value(), "second-token");
    std::ofstream(file) << "\n";
    EXPECT_EQ(supplier().error(), "token file " + file + " is empty");
    std::filesystem::remove(file);
    EXPECT_EQ(supplier().error(), "cannot read token file " + file);
}

} // namespace
} // namespace ihpa::net
