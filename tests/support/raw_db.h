// Opens a closed adwatch database with plain RocksDB (every table it has), for tests that make a
// database look as an earlier version or a damaged disk left it.
#ifndef ADWATCH_TESTS_SUPPORT_RAW_DB_H_
#define ADWATCH_TESTS_SUPPORT_RAW_DB_H_

#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace adwatch::testing {

// Runs `edit` on the database at `path` with its column families by name, then closes it.
inline void RawEdit(
    const std::string& path,
    const std::function<void(rocksdb::DB&, std::map<std::string, rocksdb::ColumnFamilyHandle*>&)>&
        edit) {
  rocksdb::DBOptions o;
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(o, path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  REQUIRE(rocksdb::DB::Open(o, path, descs, &handles, &db).ok());
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name;
  for (size_t i = 0; i < names.size(); ++i) by_name[names[i]] = handles[i];
  edit(*db, by_name);
  for (auto& [name, h] : by_name) {
    if (h != nullptr) REQUIRE(db->DestroyColumnFamilyHandle(h).ok());
  }
  delete db;
}

}  // namespace adwatch::testing

#endif  // ADWATCH_TESTS_SUPPORT_RAW_DB_H_
