// zipper_head_owned from several threads (PATHMAP-SPEC §3.1: the owned head is Sync).
#include "pathmap/owned_zippers.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using pathmap::path_map;
using namespace pathmap_test;

TEST_CASE("threads ask one owned zipper head for writers and readers at once") {
  const int threads = 4, per = static_cast<int>(scaled(300, 30));
  auto h = path_map<int>{{"jobs/0/0", -1}}.into_zipper_head("jobs/");
  std::atomic<int> refused{0}, misread{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per; ++i) {
        const std::string p = std::to_string(t) + "/" + std::to_string(i);
        auto w = h.write_zipper_at_exclusive_path(p);
        if (!w) {
          ++refused;
          continue;
        }
        w->set_val(t * 1000 + i);
        // A reader elsewhere in this thread's region: never refused, sees what is there.
        auto r = h.read_zipper_at_path(std::to_string(t) + "/r");
        if (!r || r->val() != nullptr)
          ++misread;
      }
    });
  for (auto& th : pool)
    th.join();
  CHECK(refused == 0);
  CHECK(misread == 0);
  path_map<int> back = std::move(h).into_map();
  CHECK(back.val_count() == static_cast<std::size_t>(threads * per));
  for (int t = 0; t < threads; ++t)
    for (int i = 0; i < per; ++i) {
      const int* v = back.get_val_at("jobs/" + std::to_string(t) + "/" + std::to_string(i));
      REQUIRE(v != nullptr);
      CHECK(*v == t * 1000 + i);
    }
}
