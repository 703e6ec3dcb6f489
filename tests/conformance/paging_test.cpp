// RFC 7644 §3.4.2.3–3.4.2.4 (sorting, index paging), RFC 9865 (cursor
// paging) and §3.4.3 (POST /.search) on 25 users.

#include <algorithm>
#include <cstdio>

#include "scim_client.hpp"

using namespace muster::conformance;

namespace {

constexpr int kUsers = 25;
constexpr int kMaxResults = 20;  // scim.max_results of this suite's daemon

// Users "P-00" … "P-24", created from P-24 down to P-00, so that creation
// order (and id order) is the reverse of userName order.
class ScimPaging : public ScimSuite {
public:
    static void SetUpTestSuite() {
        startDaemon("scim:\n  max_results: " + std::to_string(kMaxResults) + "\n");
        prefix_ = uniqueName("page");
        ids_.clear();
        setUpError_.clear();
        if (!running()) return;
        for (int n = kUsers - 1; n >= 0; --n) {
            ScimResponse created = scim().post("/Users", userBody(userName(n)));
            if (created.status != 201) {
                setUpError_ = "creating " + userName(n) + ": HTTP " + std::to_string(created.status) + " " +
                              created.http.body;
                return;
            }
            ids_.insert(idOf(created));
        }
    }

protected:
    void SetUp() override {
        ScimSuite::SetUp();
        if (HasFatalFailure()) return;
        ASSERT_TRUE(setUpError_.empty()) << setUpError_;
        ASSERT_EQ(ids_.size(), static_cast<std::size_t>(kUsers));
    }

    static std::string userName(int n) {
        char number[8];
        std::snprintf(number, sizeof number, "%02d", n);
        return prefix_ + "-" + number;
    }

    // The query string that selects this suite's users, plus `extra`.
    static std::string query(const std::string& extra) {
        return "/Users?filter=" + urlEncode("userName sw \"" + prefix_ + "-\"") + "&" + extra;
    }

    static ScimResponse page(const std::string& extra) {
        ScimResponse response = scim().get(query(extra));
        EXPECT_EQ(response.status, 200) << extra << ": " << response;
        return response;
    }

    static inline std::string prefix_;
    static inline std::set<std::string> ids_;
    static inline std::string setUpError_;
};

TEST_F(ScimPaging, IndexPagingVisitsEveryUserExactlyOnce) {
    std::vector<std::string> seen;
    const std::vector<std::size_t> expectedSizes = {10, 10, 5};
    for (int pageNumber = 0; pageNumber < 3; ++pageNumber) {
        const int startIndex = 1 + 10 * pageNumber;
        ScimResponse response = page("startIndex=" + std::to_string(startIndex) + "&count=10");
        const json& body = response.body;
        EXPECT_TRUE(response.isScimJson());
        EXPECT_EQ(attr(body, "/schemas/0"), kListResponseSchema);
        EXPECT_EQ(totalOf(body), kUsers) << response;
        EXPECT_EQ(attr(body, "/startIndex"), startIndex) << response;
        EXPECT_EQ(resourcesOf(body).size(), expectedSizes[pageNumber]) << response;
        EXPECT_EQ(attr(body, "/itemsPerPage"), resourcesOf(body).size()) << response;
        for (const std::string& id : idsOf(body)) seen.push_back(id);
    }
    const std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "an id appeared on two pages";
    EXPECT_EQ(unique, ids_);

    ScimResponse beyond = page("startIndex=26&count=10");
    EXPECT_EQ(totalOf(beyond.body), kUsers);
    EXPECT_TRUE(resourcesOf(beyond.body).empty()) << beyond;
}

TEST_F(ScimPaging, OrderIsStableWithoutSortBy) {
    const std::vector<std::string> first = idsOf(page("count=" + std::to_string(kMaxResults)).body);
    const std::vector<std::string> again = idsOf(page("count=" + std::to_string(kMaxResults)).body);
    EXPECT_EQ(first, again);

    // Pages of 7 concatenate to the same order.
    std::vector<std::string> paged;
    for (int startIndex = 1; startIndex <= kMaxResults; startIndex += 7) {
        const int count = std::min(7, kMaxResults - startIndex + 1);
        for (const std::string& id :
             idsOf(page("startIndex=" + std::to_string(startIndex) + "&count=" + std::to_string(count)).body)) {
            paged.push_back(id);
        }
    }
    EXPECT_EQ(paged, first);
}

TEST_F(ScimPaging, StartIndexBelowOneMeansOne) {
    const std::vector<std::string> first = idsOf(page("startIndex=1&count=5").body);
    EXPECT_EQ(idsOf(page("startIndex=0&count=5").body), first);
    EXPECT_EQ(idsOf(page("startIndex=-3&count=5").body), first);
}

TEST_F(ScimPaging, CountZeroReturnsOnlyTheTotal) {
    ScimResponse response = page("count=0");
    EXPECT_EQ(totalOf(response.body), kUsers) << response;
    EXPECT_TRUE(resourcesOf(response.body).empty()) << response;
}

TEST_F(ScimPaging, CountIsCappedAtTheAdvertisedMaxResults) {
    ScimResponse config = scim().get("/ServiceProviderConfig");
    ASSERT_EQ(config.status, 200) << config;
    EXPECT_EQ(attr(config.body, "/filter/maxResults"), kMaxResults) << config;

    ScimResponse response = page("count=1000");
    EXPECT_EQ(totalOf(response.body), kUsers) << "totalResults stays exact";
    EXPECT_EQ(resourcesOf(response.body).size(), static_cast<std::size_t>(kMaxResults)) << response;
}

TEST_F(ScimPaging, QueryParameterNamesAreCaseInsensitive) {
    const std::vector<std::string> secondPage = idsOf(page("startIndex=11&count=10").body);
    ASSERT_EQ(secondPage.size(), 10u);

    ScimResponse lower = page("startindex=11&count=10");
    EXPECT_EQ(attr(lower.body, "/startIndex"), 11) << lower;
    EXPECT_EQ(idsOf(lower.body), secondPage);

    ScimResponse upper = scim().get("/Users?FILTER=" + urlEncode("userName sw \"" + prefix_ + "-\"") +
                                    "&STARTINDEX=11&COUNT=10");
    ASSERT_EQ(upper.status, 200) << upper;
    EXPECT_EQ(totalOf(upper.body), kUsers) << "the filter must apply: " << upper;
    EXPECT_EQ(idsOf(upper.body), secondPage);

    ScimResponse sorted = page("sortby=userName&sortorder=descending&count=3");
    EXPECT_EQ(valuesOf(sorted.body, "userName"),
              std::vector<std::string>({userName(24), userName(23), userName(22)}));
}

TEST_F(ScimPaging, SortByUserName) {
    std::vector<std::string> ascending;
    for (int n = 0; n < kMaxResults; ++n) ascending.push_back(userName(n));
    EXPECT_EQ(valuesOf(page("sortBy=userName&count=20").body, "userName"), ascending);
    EXPECT_EQ(valuesOf(page("sortBy=userName&sortOrder=ascending&count=20").body, "userName"), ascending);

    std::vector<std::string> descending;
    for (int n = kUsers - 1; n >= kUsers - kMaxResults; --n) descending.push_back(userName(n));
    EXPECT_EQ(valuesOf(page("sortBy=userName&sortOrder=descending&count=20").body, "userName"), descending);

    // Sorting applies before paging: the second page continues the order.
    EXPECT_EQ(valuesOf(page("sortBy=userName&startIndex=21&count=10").body, "userName"),
              std::vector<std::string>({userName(20), userName(21), userName(22), userName(23), userName(24)}));
}

// RFC 9865: `cursor` (empty for the first page), then each page's nextCursor
// until a page has none.
TEST_F(ScimPaging, CursorPagingVisitsEveryUserExactlyOnce) {
    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    while (true) {
        ScimResponse response = page("count=10&cursor=" + urlEncode(cursor));
        ASSERT_EQ(response.status, 200) << response;
        if (pages == 0) {
            EXPECT_EQ(totalOf(response.body), kUsers) << response;
        }
        for (const std::string& id : idsOf(response.body)) seen.push_back(id);
        ++pages;
        ASSERT_LE(pages, 5) << "nextCursor never ends";
        if (!response.body.contains("nextCursor")) break;
        ASSERT_TRUE(attr(response.body, "/nextCursor").is_string()) << response;
        cursor = attr(response.body, "/nextCursor").get<std::string>();
        ASSERT_FALSE(cursor.empty()) << response;
        EXPECT_LE(resourcesOf(response.body).size(), 10u);
    }
    EXPECT_EQ(pages, 3);
    const std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "an id appeared on two pages";
    EXPECT_EQ(unique, ids_);
}

TEST_F(ScimPaging, SearchRequestPagesAndSorts) {
    ScimResponse found = scim().post("/Users/.search", {{"schemas", {kSearchRequestSchema}},
                                                        {"filter", "userName sw \"" + prefix_ + "-\""},
                                                        {"sortBy", "userName"},
                                                        {"sortOrder", "ascending"},
                                                        {"startIndex", 11},
                                                        {"count", 3},
                                                        {"attributes", {"userName"}}});
    ASSERT_EQ(found.status, 200) << found;
    EXPECT_TRUE(found.isScimJson());
    EXPECT_EQ(totalOf(found.body), kUsers);
    EXPECT_EQ(attr(found.body, "/startIndex"), 11) << found;
    EXPECT_EQ(valuesOf(found.body, "userName"),
              std::vector<std::string>({userName(10), userName(11), userName(12)}));
    for (const json& resource : resourcesOf(found.body)) {
        EXPECT_FALSE(resource.contains("active")) << "attributes=[userName]: " << resource.dump();
    }
}

}  // namespace
