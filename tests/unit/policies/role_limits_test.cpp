// SPEC T-3: the role limits matrix, and SPEC U-9: the primary group choice.

#include "muster/policies/role_limits.hpp"

#include <gtest/gtest.h>

#include "muster/policies/primary_group.hpp"

namespace muster::policies {
namespace {

const RankedRole companyAdmin{"company_admin", 400};
const RankedRole hrAdmin{"hr_admin", 350};
const RankedRole admin{"admin", 300};
const RankedRole manager{"manager", 200};
const RankedRole employee{"employee", 100};
constexpr int topRank = 400;

bool allowed(std::vector<RankedRole> actor, std::vector<RankedRole> target,
             std::vector<RankedRole> granted = {}) {
    return !roleBlocking(actor, topRank, target, granted).has_value();
}

TEST(RoleLimits, CompanyAdminManagesEveryoneIncludingOtherCompanyAdmins) {
    EXPECT_TRUE(allowed({companyAdmin}, {companyAdmin}, {companyAdmin}));
    EXPECT_TRUE(allowed({companyAdmin}, {admin}, {hrAdmin}));
    EXPECT_TRUE(allowed({companyAdmin}, {}, {}));
}

TEST(RoleLimits, AdminManagesOnlyManagersAndEmployees) {
    EXPECT_TRUE(allowed({admin}, {manager}));
    EXPECT_TRUE(allowed({admin}, {employee}, {manager}));
    EXPECT_TRUE(allowed({admin}, {}, {employee}));
    EXPECT_FALSE(allowed({admin}, {admin}));                     // a peer
    EXPECT_FALSE(allowed({admin}, {companyAdmin}));              // a superior
    EXPECT_FALSE(allowed({admin}, {employee}, {admin}));         // promote to own rank
    EXPECT_FALSE(allowed({admin}, {employee}, {companyAdmin}));  // promote above
}

TEST(RoleLimits, TheTargetsHighestRoleCounts) {
    // An employee who is also an hr_admin is out of an admin's reach.
    EXPECT_FALSE(allowed({admin}, {employee, hrAdmin}));
}

TEST(RoleLimits, TheActorsHighestRoleCounts) {
    EXPECT_TRUE(allowed({employee, hrAdmin}, {admin}, {manager}));
    EXPECT_FALSE(allowed({employee, hrAdmin}, {hrAdmin}));
}

TEST(RoleLimits, ReportsTheHighestBlockingRole) {
    std::optional<RankedRole> blocking =
        roleBlocking({manager}, topRank, {employee, admin}, {hrAdmin});
    ASSERT_TRUE(blocking);
    EXPECT_EQ(blocking->name, "hr_admin");
}

TEST(RoleLimits, AnActorWithoutRolesManagesOnlyUsersWithoutRoles) {
    EXPECT_TRUE(allowed({}, {}));
    EXPECT_FALSE(allowed({}, {employee}));
    EXPECT_FALSE(allowed({}, {}, {employee}));
}

TEST(RoleLimits, ACustomTopRoleIsUnrestricted) {
    // A catalogue whose top role is tenant_admin (500): company_admin is not top.
    EXPECT_TRUE(!roleBlocking({{"tenant_admin", 500}}, 500, {companyAdmin}, {companyAdmin}));
    EXPECT_FALSE(!roleBlocking({companyAdmin}, 500, {{"tenant_admin", 500}}, {}));
}

TEST(PrimaryGroup, HighestGoalWins) {
    EXPECT_EQ(primaryGroup({{1, 4.0}, {2, 7.5}, {3, std::nullopt}}, std::nullopt), 2);
}

TEST(PrimaryGroup, TiesGoToTheLowestId) {
    EXPECT_EQ(primaryGroup({{9, 6.0}, {4, 6.0}}, std::nullopt), 4);
}

TEST(PrimaryGroup, NoGoalsMeansNoPrimaryGroup) {
    EXPECT_EQ(primaryGroup({{1, std::nullopt}, {2, std::nullopt}}, std::nullopt), std::nullopt);
    EXPECT_EQ(primaryGroup({}, std::nullopt), std::nullopt);
}

TEST(PrimaryGroup, AnExplicitChoiceWinsWhileTheUserIsAMember) {
    EXPECT_EQ(primaryGroup({{1, 4.0}, {2, 7.5}}, 1), 1);
    EXPECT_EQ(primaryGroup({{1, std::nullopt}}, 1), 1);
}

TEST(PrimaryGroup, AnExplicitChoiceOfAGroupTheUserLeftFallsBackToGoals) {
    EXPECT_EQ(primaryGroup({{1, 4.0}, {2, 7.5}}, 5), 2);
}

}  // namespace
}  // namespace muster::policies
