// algebra: the trie algebra on a small catalog of books and movies.
//
// Usage: algebra
//
// Paths are "<genre>/<title>" with three-letter genres, values are the year of publication or
// release. The program shows
//   - drop_head(4): a write zipper drops the "<genre>/" head of every path, leaving the titles
//     (paths that collide are joined; the earlier path's value wins);
//   - join:     every title that is a book or a movie (the book's year wins where both exist);
//   - meet:     the titles that are both a book and a movie;
//   - subtract: the books that have no movie (and the movies that have no book);
//   - restrict: the catalog (books under "book/", movies under "movie/", made with join_map_into)
//               limited to the science-fiction genres, by a map of allowed prefixes;
//   - sharing:  an operation whose result equals an operand returns that operand's nodes.
// It checks what it prints and exits non-zero on any mismatch, so CTest runs it as a smoke test.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pathmap/algebra.hpp"
#include "pathmap/path_map.hpp"

namespace {

using catalog = pathmap::path_map<int>;

int failures = 0;

void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "MISMATCH: %s\n", what);
    ++failures;
  }
}

/// Prints a map, one "path (year)" per line, and returns its paths joined with '|'.
std::string print(const char* title, const catalog& m) {
  std::printf("%s (%zu):\n", title, m.val_count());
  std::string all;
  for (auto&& [p, year] : m) {
    std::printf("  %-32.*s %d\n", int(p.size()), reinterpret_cast<const char*>(p.data()), year);
    if (!all.empty())
      all.push_back('|');
    all.append(p.as_string_view());
  }
  return all;
}

/// The map below "<genre>/" for every genre: the titles.
catalog titles(catalog by_genre) {
  auto wz = by_genre.write_zipper();
  wz.drop_head(4); // "fic/", "sci/", ...: every genre is three letters and a slash
  return by_genre;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    bool help = std::string_view{argv[1]} == "--help" || std::string_view{argv[1]} == "-h";
    std::fprintf(help ? stdout : stderr, "%sUsage: algebra   (no arguments)\n",
                 help ? "" : "algebra: unexpected arguments\n");
    return help ? 0 : 2;
  }
  catalog books{{"fic/dune", 1965},
                {"fic/neuromancer", 1984},
                {"fic/solaris", 1961},
                {"sci/cosmos", 1980},
                {"sci/brief history of time", 1988}};
  catalog movies{{"sfi/dune", 2021},
                 {"sfi/solaris", 1972},
                 {"sfi/blade runner", 1982},
                 {"doc/cosmos", 1980},
                 {"doc/microcosmos", 1996}};

  std::printf("-- drop_head(4): from genre/title to title\n");
  catalog book_titles = titles(books);
  catalog movie_titles = titles(movies);
  expect(print("book titles", book_titles)
           == "brief history of time|cosmos|dune|neuromancer|solaris",
         "book titles");
  expect(print("movie titles", movie_titles) == "blade runner|cosmos|dune|microcosmos|solaris",
         "movie titles");

  std::printf("\n-- join: a book or a movie (the book's year wins)\n");
  catalog either = book_titles.join(movie_titles);
  expect(print("books join movies", either)
           == "blade runner|brief history of time|cosmos|dune|microcosmos|neuromancer|solaris",
         "join");
  expect(*either.get_val_at("dune") == 1965, "join keeps the left value");

  std::printf("\n-- meet: both a book and a movie\n");
  catalog both = book_titles.meet(movie_titles);
  expect(print("books meet movies", both) == "cosmos|dune|solaris", "meet");

  std::printf("\n-- subtract: only one of the two\n");
  // Integer subtract cancels equal values only, so subtract the *paths*: a map of units.
  auto paths_of = [](const catalog& m) {
    pathmap::path_map<std::monostate> out;
    for (auto&& [p, v] : m) {
      (void) v;
      out.set_val_at(p, std::monostate{});
    }
    return out;
  };
  catalog books_only = book_titles; // an O(1) copy; the subtraction below copies on write
  {
    auto wz = books_only.write_zipper(); // subtract at a write zipper's focus (here the root)
    wz.subtract_into(movie_titles.read_zipper(), true);
  }
  // "cosmos" (1980) has the same year as a book and a movie, so its value cancels; the others
  // keep the book's year, because integer values only cancel when they are equal.
  expect(print("books subtract movies (values)", books_only)
           == "brief history of time|dune|neuromancer|solaris",
         "subtract values");
  auto book_set = paths_of(book_titles);
  auto movie_set = paths_of(movie_titles);
  auto only_books = book_set.subtract(movie_set);
  auto only_movies = movie_set.subtract(book_set);
  std::string ob, om;
  for (auto&& [p, v] : only_books) {
    (void) v;
    ob += (ob.empty() ? "" : "|") + std::string(p.as_string_view());
  }
  for (auto&& [p, v] : only_movies) {
    (void) v;
    om += (om.empty() ? "" : "|") + std::string(p.as_string_view());
  }
  std::printf("books without a movie: %s\nmovies without a book: %s\n", ob.c_str(), om.c_str());
  expect(ob == "brief history of time|neuromancer", "subtract books");
  expect(om == "blade runner|microcosmos", "subtract movies");

  std::printf("\n-- restrict: the catalog limited to science fiction\n");
  catalog shelf;
  {
    auto wz = shelf.write_zipper_at_path("book/");
    wz.join_map_into(books);
  }
  {
    auto wz = shelf.write_zipper_at_path("movie/");
    wz.join_map_into(movies);
  }
  catalog scifi_prefixes{{"book/fic/", 0}, {"movie/sfi/", 0}};
  catalog scifi = shelf.restrict(scifi_prefixes);
  expect(print("catalog restrict {book/fic/, movie/sfi/}", scifi)
           == "book/fic/dune|book/fic/neuromancer|book/fic/solaris|movie/sfi/blade runner|"
              "movie/sfi/dune|movie/sfi/solaris",
         "restrict");

  std::printf("\n-- sharing: results that equal an operand are that operand\n");
  bool self_join = either.join(either).root_node() == either.root_node();
  bool empty_join = either.join(catalog()).root_node() == either.root_node();
  bool sub_join = either.join(both).root_node() == either.root_node();
  std::printf("either.join(either) shares its nodes:  %s\n", self_join ? "yes" : "no");
  std::printf("either.join(empty) shares its nodes:   %s\n", empty_join ? "yes" : "no");
  std::printf("either.join(both) shares its nodes:    %s\n", sub_join ? "yes" : "no");
  expect(self_join && empty_join && sub_join, "identities share nodes");

  if (failures != 0) {
    std::fprintf(stderr, "%d mismatch(es)\n", failures);
    return EXIT_FAILURE;
  }
  std::printf("\nall results as expected\n");
  return EXIT_SUCCESS;
}
