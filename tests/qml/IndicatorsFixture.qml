import QtQuick

// tc::protocol::toJson(Indicators) for a quarter of two sites, as ReviewSession.indicators holds it.
QtObject {
    function site(name, consultations, waitP50) {
        return {
            site: name, consultations: consultations,
            wait_ms: { p50: waitP50, p90: 1260000 }, duration_ms: { p50: 780000, p90: 1500000 },
            end_reasons: { completed: consultations - 10, referred_emergency: 6, technical_failure: 4 },
            satisfaction: { answers: 80, counts: [2, 4, 8, 26, 40], mean: 4.225 },
            records_indexed: consultations - 2, records_with_incidents: 9, incident_share: 0.075,
            orientations: { none: 30, gp_in_person: 50, emergency: 6, specialist: 20, "": 12 },
            prescriptions: 95, prescriptions_per_consultation: 0.8051,
            cancelled_before_claim: { count: 7, wait_ms: { p50: 540000, p90: null }, reasons: { patient_left: 7 } }
        }
    }
    readonly property var value: ({
        period: { from_ms: 1790812800000, to_ms: 1798761600000, label: "2026-T4" },
        sites: [site("FR-NEV-GARE-01", 70, 245000), site("FR-NEV-MAIRIE-02", 50, 420000)],
        all: site("*", 120, 300000)
    })
}
