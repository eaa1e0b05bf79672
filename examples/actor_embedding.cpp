// actor_embedding: a small CAF application that embeds the pathmap actor runtime (README,
// "Embedding"). A user actor drives the coordinator with request(...).then(...): it runs a copy
// job, writes through a lease it asked for, and reads the result from a snapshot.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>

#include "caf/all.hpp"

#include "pathmap/actors/all.hpp"

using namespace pathmap::actors;
using V = std::uint64_t;
using namespace std::chrono_literals;

// 1. One call registers the runtime's message types and error category.
struct config : caf::actor_system_config {
  config() { register_types(*this); }
};

// 2. Your own actor talks to the coordinator through its typed handle, with
//    request(...).then(...). Each step below sends one request and continues in the next.
using coordinator = coordinator_actor<V>;

auto on_error(caf::event_based_actor* self) {
  return [self](caf::error& err) {
    std::cerr << "error: " << self->system().render(err) << '\n';
    self->quit(err);
  };
}

// Last step: read the result from an O(1) snapshot of the map.
void show(caf::event_based_actor* self, coordinator c) {
  self->request(c, 10s, snapshot_atom::value)
    .then(
      [=](map_snapshot<V>& s) {
        std::cout << "out/42 = " << *s.map.get_val_at("out/42")
                  << ", total = " << *s.map.get_val_at("total") << ", " << s.map.val_count()
                  << " values in the map\n";
        self->quit();
      },
      on_error(self));
}

// A hand-written flow: lease the writer of "total", write through it, give it back.
void write_total(caf::event_based_actor* self, coordinator c, V total) {
  self->request(c, 10s, write_atom::value, pathmap::path{'t', 'o', 't', 'a', 'l'})
    .then(
      [=](lease<pathmap::write_zipper_tracked<V>>& l) {
        auto w = l.take(); // the zipper; a second take() would be an error
        w->set_val(total);
        self->request(c, 10s, release_atom::value, make_lease(std::move(*w)))
          .then([=](bool) { show(self, c); }, on_error(self));
      },
      on_error(self));
}

// First step: a job that splits "in/" into about 8 balanced tasks and copies them to "out/".
caf::behavior client(caf::event_based_actor* self, coordinator c) {
  auto copy = job<V>::split(copy_values<V>(), {'i', 'n', '/'}, {'o', 'u', 't', '/'}, 8);
  self->request(c, 10s, std::move(copy))
    .then(
      [=](const job_report& r) {
        std::cout << "copied " << r.values << " values in " << r.tasks << " tasks on "
                  << r.workers.size() << " workers\n";
        write_total(self, c, r.values);
      },
      on_error(self));
  return {};
}

// 3. Spawn the coordinator (it owns the map; here it also spawns two workers) and your actor
//    in your actor system.
void caf_main(caf::actor_system& sys, const config&) {
  pathmap::path_map<V> map;
  for (V i = 0; i < 1000; ++i)
    map.set_val_at("in/" + std::to_string(i), i);
  coordinator_config cc;
  cc.workers = 2;
  auto coordinator = spawn_coordinator<V>(sys, std::move(map), {}, cc);
  auto me = sys.spawn(client, coordinator);
  caf::scoped_actor self{sys};
  self->wait_for(me);
  caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown); // also stops its workers
}

CAF_MAIN()
