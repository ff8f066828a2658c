#include "patient_identity_view.hpp"

#include "error_text.hpp"
#include "tc/errors/table_lookup.hpp"

#include <QDate>
#include <QLocale>
#include <QStringList>

namespace tc::app {
namespace {

namespace rx = tc::prescriptions;

std::chrono::year_month_day today() {
    return std::chrono::year_month_day(
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
}

QString fromUtf8(const std::string& text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace

void PatientIdentityView::set(std::optional<prescriptions::PatientIdentity> identity) {
    m_identity = std::move(identity);
    setError({});
    emit changed();
}

QString PatientIdentityView::fullName() const {
    if (!m_identity) {
        return {};
    }
    QStringList first;
    for (const auto& name : m_identity->firstNames) {
        first << fromUtf8(name);
    }
    QString family = fromUtf8(m_identity->displayFamilyName());
    if (!m_identity->usedName.empty() && m_identity->usedName != m_identity->birthName) {
        family +=
            QLatin1Char(' ') + (m_identity->sex == rx::Sex::female ? tr("(née %1)") : tr("(né %1)"))
                                   .arg(fromUtf8(m_identity->birthName));
    }
    return family + QLatin1Char(' ') + first.join(QLatin1Char(' '));
}

QString PatientIdentityView::birthText() const {
    if (!m_identity) {
        return {};
    }
    const auto& d = m_identity->birthDate;
    const QDate date(static_cast<int>(d.year()), static_cast<int>(static_cast<unsigned>(d.month())),
                     static_cast<int>(static_cast<unsigned>(d.day())));
    QString text = QLocale().toString(date, QLocale::ShortFormat);
    if (!m_identity->birthPlaceCode.empty()) {
        text += tr(" (lieu %1)").arg(fromUtf8(m_identity->birthPlaceCode));
    }
    return text;
}

QString PatientIdentityView::insText() const {
    if (!m_identity || !m_identity->ins) {
        return m_identity ? tr("sans INS") : QString();
    }
    // Grouped as on the Carte Vitale: sex, year, month, place (2+3), order, key.
    const auto n = QString::fromStdString(m_identity->ins->number);
    QString text = QStringLiteral("INS ") + n.left(1) + QLatin1Char(' ') + n.mid(1, 2) +
                   QLatin1Char(' ') + n.mid(3, 2) + QLatin1Char(' ') + n.mid(5, 2) +
                   QLatin1Char(' ') + n.mid(7, 3) + QLatin1Char(' ') + n.mid(10, 3) +
                   QLatin1Char(' ') + QString::fromStdString(m_identity->ins->key);
    const auto system = m_identity->ins->system;
    if (system == rx::InsSystem::testNir || system == rx::InsSystem::testNia) {
        text += tr(" (INS de test)");
    } else if (system == rx::InsSystem::nia) {
        text += tr(" (NIA)");
    }
    return text;
}

IdentityTrust::Value PatientIdentityView::trust() const {
    if (!m_identity) {
        return IdentityTrust::Unknown;
    }
    static constexpr errors::EnumMap<rx::IdentityStatus::qualified, IdentityTrust::Value> trusts{
        {IdentityTrust::Unverified, IdentityTrust::Provisional, IdentityTrust::Qualified}};
    return trusts(m_identity->status, IdentityTrust::Unverified);
}

QString PatientIdentityView::trustText() const {
    switch (trust()) {
    case IdentityTrust::Qualified:
        return tr("Identité qualifiée (INS vérifié)");
    case IdentityTrust::Provisional:
        return m_identity->source == rx::IdentitySource::carteVitale
                   ? tr("Identité provisoire (carte Vitale)")
                   : tr("Identité provisoire");
    case IdentityTrust::Unverified:
        return tr("Identité non vérifiée");
    case IdentityTrust::Unknown:
        break;
    }
    return tr("Identité non transmise par la cabine");
}

QString PatientIdentityView::correctedText() const {
    if (!m_identity || m_identity->correctedFields.empty()) {
        return {};
    }
    return tr("Corrigée par le médecin");
}

QString PatientIdentityView::birthName() const {
    return m_identity ? fromUtf8(m_identity->birthName) : QString();
}

QString PatientIdentityView::firstNames() const {
    QStringList names;
    if (m_identity) {
        for (const auto& name : m_identity->firstNames) {
            names << fromUtf8(name);
        }
    }
    return names.join(QLatin1Char(' '));
}

QString PatientIdentityView::birthDate() const {
    if (!m_identity) {
        return {};
    }
    const auto& d = m_identity->birthDate;
    return QDate(static_cast<int>(d.year()), static_cast<int>(static_cast<unsigned>(d.month())),
                 static_cast<int>(static_cast<unsigned>(d.day())))
        .toString(Qt::ISODate);
}

bool PatientIdentityView::correct(const QString& field, const QString& value) {
    if (!m_identity) {
        return false;
    }
    auto edited = *m_identity;
    const auto text = value.trimmed().toStdString();
    if (field == QLatin1String("birth_name")) {
        edited.birthName = text;
    } else if (field == QLatin1String("used_name")) {
        edited.usedName = text;
    } else if (field == QLatin1String("first_names")) {
        edited.firstNames.clear();
        for (const auto& name : value.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            edited.firstNames.push_back(name.toStdString());
        }
    } else if (field == QLatin1String("birth_date")) {
        const QDate date = QDate::fromString(value.trimmed(), Qt::ISODate);
        if (!date.isValid()) {
            setError(tr("Date de naissance à corriger : AAAA-MM-JJ."));
            return false;
        }
        edited.birthDate = std::chrono::year_month_day{
            std::chrono::year(date.year()), std::chrono::month(static_cast<unsigned>(date.month())),
            std::chrono::day(static_cast<unsigned>(date.day()))};
    } else {
        return false;
    }
    auto corrected = rx::correctIdentity(*m_identity, edited, today());
    if (!corrected) {
        setError(corrected.error().code == rx::IdentityErrc::correctionRefused
                     ? tr("Identité qualifiée : elle ne se corrige pas ici.")
                     : tr("Correction refusée : %1").arg(errorText(corrected.error().code)));
        return false;
    }
    m_identity = std::move(*corrected);
    setError({});
    emit changed();
    return true;
}

} // namespace tc::app
