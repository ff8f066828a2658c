#pragma once
// The patient's identity as the doctor sees it after the claim (session.patient.*): the traits,
// the INS and how far it can be trusted. The queue never had it; the claim's result brings it.
// A non-qualified identity may be corrected here, trait by trait; each correction is marked and
// flows into the ordonnance (and the report).

#include "controller.hpp"
#include "states.hpp"
#include "tc/prescriptions/patient_identity.hpp"

#include <QString>
#include <optional>

namespace tc::app {

class PatientIdentityView : public Controller {
    Q_OBJECT
    Q_PROPERTY(bool known READ known NOTIFY changed)
    Q_PROPERTY(QString fullName READ fullName NOTIFY changed)   // "MARTIN (née DUPONT) Jeanne"
    Q_PROPERTY(QString birthText READ birthText NOTIFY changed) // "12/03/1955 (lieu 75056)"
    Q_PROPERTY(QString insText READ insText NOTIFY changed)     // "INS 2 55 03 75 056 078 66"
    Q_PROPERTY(tc::app::IdentityTrust::Value trust READ trust NOTIFY changed)
    Q_PROPERTY(QString trustText READ trustText NOTIFY changed)
    Q_PROPERTY(bool correctable READ correctable NOTIFY changed)
    Q_PROPERTY(QString correctedText READ correctedText NOTIFY changed) // "" when none
    // The raw traits, for the correction form.
    Q_PROPERTY(QString birthName READ birthName NOTIFY changed)
    Q_PROPERTY(QString firstNames READ firstNames NOTIFY changed) // space-separated
    Q_PROPERTY(QString birthDate READ birthDate NOTIFY changed)   // YYYY-MM-DD

public:
    using Controller::Controller;

    void set(std::optional<prescriptions::PatientIdentity> identity);
    void clear() { set(std::nullopt); }
    const std::optional<prescriptions::PatientIdentity>& identity() const { return m_identity; }

    bool known() const { return m_identity.has_value(); }
    QString fullName() const;
    QString birthText() const;
    QString insText() const;
    IdentityTrust::Value trust() const;
    QString trustText() const;
    bool correctable() const { return m_identity && trust() != IdentityTrust::Qualified; }
    QString correctedText() const;
    QString birthName() const;
    QString firstNames() const;
    QString birthDate() const;

    // Corrects one trait: "birth_name", "used_name", "first_names" (space-separated),
    // "birth_date" (YYYY-MM-DD). Refused, with errorString, for a qualified identity or an
    // invalid value; the identity is then unchanged.
    Q_INVOKABLE bool correct(const QString& field, const QString& value);

signals:
    void changed();

private:
    std::optional<prescriptions::PatientIdentity> m_identity;
};

} // namespace tc::app
