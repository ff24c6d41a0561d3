import SiamCore
import Testing

@Suite struct DeliveryBackoffTests {
    @Test func delaysDoubleWithJitterUpToTheCapAndGiveUpPastTheMaximumAge() {
        let backoff = DeliveryBackoff(baseSeconds: 5, maxDelaySeconds: 60, maxAgeSeconds: 600)
        #expect(backoff.afterFailure(attempt: 1, ageSeconds: 0, jitter: 0.999) == .retry(inSeconds: 5))
        #expect(backoff.afterFailure(attempt: 1, ageSeconds: 0, jitter: 0) == .retry(inSeconds: 3))
        #expect(backoff.afterFailure(attempt: 3, ageSeconds: 0, jitter: 0.999) == .retry(inSeconds: 20))
        #expect(backoff.afterFailure(attempt: 10, ageSeconds: 0, jitter: 0.999) == .retry(inSeconds: 60))
        #expect(backoff.afterFailure(attempt: 1000, ageSeconds: 0, jitter: 0) == .retry(inSeconds: 30))
        #expect(backoff.afterFailure(attempt: 2, ageSeconds: 595, jitter: 0.999) == .giveUp)
        #expect(backoff.afterFailure(attempt: 2, ageSeconds: 590, jitter: 0.999) == .retry(inSeconds: 10))
    }
}
