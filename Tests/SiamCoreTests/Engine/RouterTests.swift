import Testing

@testable import SiamCore

/// One routing case: the candidates of a service, who is excluded, and the choice expected.
struct RouterCase: CustomTestStringConvertible, Sendable {
    let why: String
    let candidates: [Candidate]
    var excluded: Set<String> = []
    let expected: Router.Choice

    var testDescription: String { why }
}

@Suite("router")
struct RouterTests {
    static let cases: [RouterCase] = [
        // The best (lowest) preference rank wins, even against a lighter load.
        .init(why: "best rank wins",
              candidates: [.fixture("beta", rank: 2, load: 0), .fixture("acme", rank: 1, load: 5)],
              expected: .supplier(.fixture("acme", rank: 1, load: 5))),
        // Equal rank: the lower load wins, whatever the code order.
        .init(why: "equal rank, lower load",
              candidates: [.fixture("acme", rank: 1, load: 3), .fixture("beta", rank: 1, load: 1)],
              expected: .supplier(.fixture("beta", rank: 1, load: 1))),
        // Equal rank and load: the code decides, so the choice never depends on input order.
        .init(why: "equal rank and load, code order",
              candidates: [.fixture("zeta", rank: 1, load: 1), .fixture("beta", rank: 1, load: 1),
                           .fixture("gamma", rank: 1, load: 1)],
              expected: .supplier(.fixture("beta", rank: 1, load: 1))),
        // Suppliers that rejected it, let it expire, or hold it are skipped.
        .init(why: "excluded skipped",
              candidates: [.fixture("acme", rank: 1), .fixture("beta", rank: 2)], excluded: ["acme"],
              expected: .supplier(.fixture("beta", rank: 2))),
        // Onboarding gets no work yet.
        .init(why: "onboarding skipped",
              candidates: [.fixture("acme", rank: 1, status: .onboarding), .fixture("beta", rank: 2)],
              expected: .supplier(.fixture("beta", rank: 2))),
        // Suspended gets no new work.
        .init(why: "suspended skipped",
              candidates: [.fixture("acme", rank: 1, status: .suspended), .fixture("beta", rank: 2)],
              expected: .supplier(.fixture("beta", rank: 2))),
        // Exiting gets no new work.
        .init(why: "exiting skipped",
              candidates: [.fixture("acme", rank: 1, status: .exiting), .fixture("beta", rank: 2)],
              expected: .supplier(.fixture("beta", rank: 2))),
        // Retired gets nothing.
        .init(why: "retired skipped",
              candidates: [.fixture("acme", rank: 1, status: .retired), .fixture("beta", rank: 2)],
              expected: .supplier(.fixture("beta", rank: 2))),
        // A load equal to the capacity is full.
        .init(why: "at capacity skipped",
              candidates: [.fixture("acme", rank: 1, capacity: 2, load: 2), .fixture("beta", rank: 2)],
              expected: .supplier(.fixture("beta", rank: 2))),
        // One below capacity still has room.
        .init(why: "just under capacity taken",
              candidates: [.fixture("acme", rank: 1, capacity: 2, load: 1), .fixture("beta", rank: 2)],
              expected: .supplier(.fixture("acme", rank: 1, capacity: 2, load: 1))),
        // Over capacity (capacity lowered under a supplier) is full too.
        .init(why: "over capacity skipped",
              candidates: [.fixture("acme", rank: 1, capacity: 2, load: 3), .fixture("beta", rank: 2)],
              expected: .supplier(.fixture("beta", rank: 2))),
        // No capacity means unlimited: never full, however high the load.
        .init(why: "unlimited never full",
              candidates: [.fixture("acme", rank: 1, capacity: nil, load: 10_000)],
              expected: .supplier(.fixture("acme", rank: 1, capacity: nil, load: 10_000))),
        // A capacity of zero takes nothing (it is not "unlimited").
        .init(why: "capacity zero is full",
              candidates: [.fixture("acme", rank: 1, capacity: 0, load: 0)],
              expected: .none(reason: "no eligible supplier: acme is at capacity (0/0)")),
        // Nobody serves the service at all.
        .init(why: "nobody serves", candidates: [],
              expected: .none(reason: "no supplier serves the service")),
        // Everybody refuses: the reason lists each refusal, in code order.
        .init(why: "all ineligible, each refusal listed",
              candidates: [.fixture("gamma", rank: 3, status: .onboarding),
                           .fixture("delta", rank: 4, capacity: 1, load: 1),
                           .fixture("acme", rank: 1), .fixture("beta", rank: 2, status: .suspended),
                           .fixture("epsilon", rank: 5, status: .exiting)],
              excluded: ["acme"],
              expected: .none(reason: "no eligible supplier: acme declined or holds it, beta is suspended, "
                  + "delta is at capacity (1/1), epsilon is exiting, gamma is onboarding")),
        // An excluded supplier is reported as such even when it is also not active.
        .init(why: "exclusion reported first",
              candidates: [.fixture("acme", rank: 1, status: .suspended)], excluded: ["acme"],
              expected: .none(reason: "no eligible supplier: acme declined or holds it")),
        // Excluding a supplier that does not serve the service changes nothing.
        .init(why: "exclusion of a stranger",
              candidates: [.fixture("acme", rank: 1)], excluded: ["zeta"],
              expected: .supplier(.fixture("acme", rank: 1))),
    ]

    @Test(arguments: cases)
    func choose(_ c: RouterCase) {
        #expect(Router.choose(from: c.candidates, excluding: c.excluded) == c.expected)
    }

    /// Over many random candidate lists: the chosen supplier is eligible, nobody eligible is
    /// strictly better by (rank, load, code), the choice does not depend on input order, and
    /// "none" happens exactly when nobody is eligible.
    @Test func choiceIsEligibleAndBestOverRandomLists() {
        var rng = EngineRandom(seed: 20_260_105)
        let codes = ["acme", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
        for round in 0..<5_000 {
            let count = rng.int(0...codes.count)
            let candidates = codes.shuffled(using: &rng).prefix(count).map { code in
                Candidate.fixture(
                    code, rank: rng.int(1...3),
                    status: rng.chance(0.7) ? .active : SupplierStatus.allCases.randomElement(using: &rng)!,
                    capacity: rng.chance(0.3) ? nil : rng.int(0...3), load: rng.int(0...4))
            }
            let excluded = Set(codes.filter { _ in rng.chance(0.2) })
            let eligible = candidates.filter { candidate in
                !excluded.contains(candidate.supplier) && candidate.status == .active
                    && (candidate.capacity.map { candidate.load < $0 } ?? true)
            }
            let choice = Router.choose(from: candidates, excluding: excluded)
            switch choice {
            case .supplier(let chosen):
                #expect(eligible.contains(chosen), "round \(round): \(chosen.supplier) is not eligible")
                for other in eligible {
                    let better = (other.rank, other.load, other.supplier) < (chosen.rank, chosen.load, chosen.supplier)
                    #expect(!better, "round \(round): \(other.supplier) beats \(chosen.supplier)")
                }
            case .none(let reason):
                #expect(eligible.isEmpty, "round \(round): none although \(eligible.map(\.supplier)) eligible")
                if candidates.isEmpty {
                    #expect(reason == "no supplier serves the service")
                } else {
                    // One refusal per candidate, in code order.
                    let named = candidates.map(\.supplier).sorted().map { "\($0) " }
                    let refusals = reason.dropFirst("no eligible supplier: ".count).split(separator: ", ")
                    #expect(reason.hasPrefix("no eligible supplier: "))
                    #expect(refusals.count == candidates.count, "round \(round): \(reason)")
                    #expect(zip(refusals, named).allSatisfy { $0.hasPrefix($1) }, "round \(round): \(reason)")
                }
            }
            // Determinism: the same candidates in another order give the same choice.
            #expect(Router.choose(from: candidates.shuffled(using: &rng), excluding: excluded) == choice,
                    "round \(round)")
        }
    }
}

/// `Router.assess`: the verdict on every candidate, in the router's order, which the offer's
/// reason summarises and `siamd incident explain` prints.
@Suite struct RouterAssessmentTests {
    @Test func everyCandidateGetsItsVerdictInTheRoutersOrder() {
        let candidates: [Candidate] = [
            .fixture("delta", rank: 3), .fixture("acme", rank: 1), .fixture("beta", rank: 1, capacity: 2, load: 2),
            .fixture("gamma", rank: 2, status: .suspended), .fixture("echo", rank: 2, load: 4), .fixture("foxtrot", rank: 2, load: 1),
        ]
        let assessments = Router.assess(candidates, excluding: ["acme": "rejected it"])
        #expect(assessments.map(\.candidate.supplier) == ["acme", "beta", "gamma", "foxtrot", "echo", "delta"])
        #expect(assessments.map(\.verdict) == [.excluded(why: "rejected it"), .atCapacity, .notActive(.suspended), .chosen,
                                               .outranked, .outranked])
        #expect(assessments.map(\.text) == [
            "passed over: rejected it",
            "passed over: at capacity (2/2)",
            "passed over: suspended, not active",
            "chosen: best eligible (rank 2, load 1/unlimited)",
            "eligible, ranked after the chosen one (rank 2, load 4/unlimited)",
            "eligible, ranked after the chosen one (rank 3, load 0/unlimited)",
        ])
        // The offer's reason counts those ranked above the chosen one, naming nobody.
        let chosen = assessments[3].candidate
        #expect(Router.passedOver(assessments, before: chosen) == "; ranked above it: 1 rejected it, 1 at capacity")
        // Same rank is not ranked above.
        #expect(Router.passedOver(assessments, before: assessments[1].candidate) == "")
        #expect(Router.passedOver(Router.assess([.fixture("acme", rank: 1)], excluding: [:]), before: .fixture("acme", rank: 1)) == "")
    }

    @Test func chooseIsTheFirstChosenOfTheAssessment() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let candidates = (0..<Int.random(in: 0...6, using: &rng)).map { index in
                Candidate.fixture("s\(index)", rank: Int.random(in: 1...3, using: &rng),
                                  status: [.active, .active, .onboarding, .suspended].randomElement(using: &rng)!,
                                  capacity: [nil, 1, 2].randomElement(using: &rng)!, load: Int.random(in: 0...2, using: &rng))
            }
            let excluded = Set(candidates.map(\.supplier).filter { _ in Bool.random(using: &rng) })
            let assessments = Router.assess(candidates, excluding: Dictionary(uniqueKeysWithValues: excluded.map { ($0, "rejected it") }))
            #expect(assessments.filter { $0.verdict == .chosen }.count <= 1)
            switch Router.choose(from: candidates, excluding: excluded) {
            case .supplier(let best): #expect(assessments.first { $0.verdict == .chosen }?.candidate == best)
            case .none: #expect(!assessments.contains { $0.verdict == .chosen })
            }
        }
    }
}
