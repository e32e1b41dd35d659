#include "common/csv.hpp"

#include "common/text.hpp"

namespace ihpa::common {

bool CsvRow::blank() const
{
    for (const auto field : fields) {
        if (!field.empty()) {
            return false;
        }
    }
    return true;
}

std::string CsvRow::joined() const
{
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        out += i == 0 ? "" : ",";
        out += fields[i];
    }
    return out;
}

std::vector<CsvRow> split_csv(std::string_view text)
{
    std::vector<CsvRow> rows;
    std::size_t line = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const auto content = text.substr(0, end);
        CsvRow row{++line, {}};
        std::size_t start = 0;
        while (true) {
            const auto comma = content.find(',', start);
            row.fields.push_back(trim(content.substr(start, comma - start)));
            if (comma == std::string_view::npos) {
                break;
            }
            start = comma + 1;
        }
        rows.push_back(std::move(row));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    return rows;
}

std::string file_location(const std::filesystem::path& path, std::size_t line)
{
    return line > 0 ? path.string() + ":" + std::to_string(line) : path.string();
}

} // namespace ihpa::common
