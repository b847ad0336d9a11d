#include "core/report_text.h"

namespace parcours {

namespace {

// Strings with {} are fmt patterns: the report fills them in order.
constexpr ReportText kEnglish = {
    .title = "Contacts across channels: repeats and first-contact resolution",
    .eyebrow = "parcours report",
    .lede_period = "Contacts from {} to {} ({})",
    .lede_as_of = "as of {}",
    .lede_window = "repeat window {}",
    .contents = "Contents",
    .key_figures = "Key figures",
    .contacts = "Contacts",
    .customers = "Customers",
    .episodes = "Episodes",
    .fcr_rate = "FCR rate",
    .repeat_rate = "Repeat rate",
    .contacts_per_episode = "Contacts per episode",
    .cost_of_repeats = "Cost of repeats",
    .note_contacts = "{} inbound, {} of them unidentified",
    .note_customers = "distinct, among identified inbound contacts",
    .note_episodes = "{} in the FCR cohort, {} pending",
    .note_fcr = "{} of {} cohort episodes resolved at the first contact",
    .note_repeat = "{} repeats of {} identified inbound contacts",
    .note_cpe = "{} channels per episode on average",
    .note_cost = "of {} for every inbound contact",
    .no_costs = "no unit costs given (--costs)",
    .cost_unknown = "unknown: no unit cost for {}",
    .services = "By service",
    .services_intro = "Each service's inbound contacts are cut into episodes: a contact within the repeat window of the "
                      "customer's previous contact on that service is a repeat. First-contact resolution (FCR) counts "
                      "the episodes of one contact among those whose window has elapsed (the cohort).",
    .service = "Service",
    .all_services = "All services",
    .inbound = "Inbound",
    .repeats = "Repeats",
    .cohort = "Cohort",
    .resolved = "Resolved",
    .channels_per_episode = "Channels per episode",
    .cost = "Cost",
    .costs_note = "Costs are sums of unit costs in the currency of the cost table; a dash means a channel involved has "
                  "no unit cost.",
    .rates = "FCR and repeat rate by service",
    .rates_intro = "A high FCR rate and a low repeat rate mean that customers get their answer at the first contact.",
    .rates_title = "FCR rate and repeat rate by service",
    .transitions = "Channel transitions",
    .transitions_intro = "Where customers turn when they come back: every repeat contact counted from the channel of "
                         "the previous contact (rows) to its own channel (columns).",
    .transitions_title = "Repeat contacts by previous channel and channel",
    .from = "From",
    .to = "To",
    .no_repeats = "No repeat contacts.",
    .switches_note = "{} of {} repeats changed channel.",
    .mix = "Channel mix over time",
    .mix_intro = "Each channel's share of the contacts (both directions) of each period; the total is above each "
                 "column.",
    .mix_title = "Share of contacts by channel and period",
    .period_day = "day",
    .period_week = "week",
    .period_month = "month",
    .period_quarter = "quarter",
    .paths = "Top paths",
    .paths_intro = "The most frequent sequences of channels within an episode, among the episodes of the FCR cohort, "
                   "all services together.",
    .path = "Path",
    .share = "Share",
    .no_cohort = "No episode in the FCR cohort yet.",
    .segments = "Customer segments",
    .segments_intro = "Customers by the channels of their identified inbound contacts: self-service is web and IVR; "
                      "assisted is every other channel.",
    .segment = "Segment",
    .contacts_per_customer = "Contacts per customer",
    .handle = "Handle time by channel",
    .handle_intro = "Handle time runs from the answer (or the start) to the end of a contact; wait from the start to "
                    "the answer. Times in minutes and seconds.",
    .channel = "Channel",
    .timed = "Timed",
    .mean = "Mean",
    .median = "Median",
    .p90 = "90th percentile",
    .mean_wait = "Mean wait",
    .all_channels = "All channels",
    .inputs = "Inputs and parameters",
    .inputs_intro = "What this report was computed from. Rerunning the command below on files with the same SHA-256 "
                    "gives the same bytes.",
    .file = "File",
    .size = "Size",
    .sha256 = "SHA-256",
    .parameter = "Parameter",
    .value = "Value",
    .window = "Repeat window W",
    .as_of = "As-of time T",
    .as_of_latest = "the latest start in the input",
    .as_of_given = "given with --as-of",
    .mode = "FCR mode",
    .mode_repeat = "repeat (an episode of one contact)",
    .mode_strict = "strict (one contact, not unresolved nor abandoned)",
    .any_service = "Episodes across services",
    .yes = "yes",
    .no = "no",
    .time_zone = "Time zone",
    .period = "Period",
    .language = "Language",
    .version = "parcours version",
    .unit_costs = "Unit costs",
    .unset = "unset",
    .records = "Records",
    .rerun = "Command",
    .standard_input = "standard input",
    .not_hashed = "not hashed: {}",
    .bytes = "{} bytes",
    .read = "read",
    .accepted = "accepted",
    .rejected = "rejected",
    .duplicates = "duplicates",
    .legs_merged = "legs merged",
    .unidentified = "unidentified",
    .region = "Phone region",
    .max_fanout = "Max fan-out",
    .crosswalk = "Crosswalk",
    .block = "Blocklist",
    .none = "none",
    .days = "{} days",
    .hours = "{} hours",
    .no_data = "No data.",
    .footer = "Definitions: parcours-stats(1) and parcours-report(1).",
};

constexpr ReportText kFrench = {
    .title = "Contacts multicanaux : contacts répétés et règlement au premier contact",
    .eyebrow = "Rapport parcours",
    .lede_period = "Contacts du {} au {} ({})",
    .lede_as_of = "en date du {}",
    .lede_window = "fenêtre de répétition {}",
    .contents = "Sommaire",
    .key_figures = "Chiffres clés",
    .contacts = "Contacts",
    .customers = "Clients",
    .episodes = "Démarches",
    .fcr_rate = "Taux de règlement au premier contact",
    .repeat_rate = "Taux de contacts répétés",
    .contacts_per_episode = "Contacts par démarche",
    .cost_of_repeats = "Coût des contacts répétés",
    .note_contacts = "{} entrants, dont {} non identifiés",
    .note_customers = "distincts, parmi les contacts entrants identifiés",
    .note_episodes = "{} dans la cohorte, {} en attente",
    .note_fcr = "{} démarches sur {} de la cohorte réglées au premier contact",
    .note_repeat = "{} contacts répétés sur {} contacts entrants identifiés",
    .note_cpe = "{} canaux par démarche en moyenne",
    .note_cost = "sur {} pour l'ensemble des contacts entrants",
    .no_costs = "aucun coût unitaire fourni (--costs)",
    .cost_unknown = "inconnu : aucun coût unitaire pour {}",
    .services = "Par service",
    .services_intro = "Les contacts entrants de chaque service sont regroupés en démarches : un contact survenu dans "
                      "la fenêtre de répétition du contact précédent du même client pour ce service est un contact "
                      "répété. Le règlement au premier contact compte les démarches d'un seul contact parmi celles "
                      "dont la fenêtre est écoulée (la cohorte).",
    .service = "Service",
    .all_services = "Tous les services",
    .inbound = "Entrants",
    .repeats = "Répétés",
    .cohort = "Cohorte",
    .resolved = "Réglées",
    .channels_per_episode = "Canaux par démarche",
    .cost = "Coût",
    .costs_note = "Les coûts sont des sommes de coûts unitaires, dans la devise de la table de coûts; un tiret "
                  "signale un canal sans coût unitaire.",
    .rates = "Taux de règlement et de contacts répétés par service",
    .rates_intro = "Un taux de règlement élevé et un taux de contacts répétés faible signifient que les clients "
                   "obtiennent leur réponse dès le premier contact.",
    .rates_title = "Taux de règlement au premier contact et taux de contacts répétés par service",
    .transitions = "Transitions entre canaux",
    .transitions_intro = "Vers quel canal les clients se tournent quand ils reviennent : chaque contact répété, du "
                         "canal du contact précédent (lignes) vers son propre canal (colonnes).",
    .transitions_title = "Contacts répétés selon le canal précédent et le canal",
    .from = "De",
    .to = "Vers",
    .no_repeats = "Aucun contact répété.",
    .switches_note = "{} contacts répétés sur {} ont changé de canal.",
    .mix = "Répartition par canal dans le temps",
    .mix_intro = "La part de chaque canal dans les contacts (entrants et sortants) de chaque période; le total est "
                 "au-dessus de chaque colonne.",
    .mix_title = "Part des contacts par canal et par période",
    .period_day = "jour",
    .period_week = "semaine",
    .period_month = "mois",
    .period_quarter = "trimestre",
    .paths = "Parcours les plus fréquents",
    .paths_intro = "Les suites de canaux les plus fréquentes au sein d'une démarche, parmi les démarches de la "
                   "cohorte, tous services confondus.",
    .path = "Parcours",
    .share = "Part",
    .no_cohort = "Aucune démarche dans la cohorte pour l'instant.",
    .segments = "Segments de clientèle",
    .segments_intro = "Les clients selon les canaux de leurs contacts entrants identifiés : le libre-service "
                      "regroupe le Web et la RVI; l'assisté, tous les autres canaux.",
    .segment = "Segment",
    .contacts_per_customer = "Contacts par client",
    .handle = "Durée de traitement par canal",
    .handle_intro = "La durée de traitement va de la réponse (ou du début) à la fin d'un contact; l'attente, du "
                    "début à la réponse. Durées en minutes et secondes.",
    .channel = "Canal",
    .timed = "Chronométrés",
    .mean = "Moyenne",
    .median = "Médiane",
    .p90 = "90e centile",
    .mean_wait = "Attente moyenne",
    .all_channels = "Tous les canaux",
    .inputs = "Données et paramètres",
    .inputs_intro = "Ce à partir de quoi ce rapport a été calculé. La commande ci-dessous, relancée sur des fichiers "
                    "de même SHA-256, produit les mêmes octets.",
    .file = "Fichier",
    .size = "Taille",
    .sha256 = "SHA-256",
    .parameter = "Paramètre",
    .value = "Valeur",
    .window = "Fenêtre de répétition W",
    .as_of = "Date de référence T",
    .as_of_latest = "le début le plus récent des données",
    .as_of_given = "fixée par --as-of",
    .mode = "Mode de règlement",
    .mode_repeat = "repeat (démarche d'un seul contact)",
    .mode_strict = "strict (un seul contact, ni non réglé ni abandonné)",
    .any_service = "Démarches tous services confondus",
    .yes = "oui",
    .no = "non",
    .time_zone = "Fuseau horaire",
    .period = "Période",
    .language = "Langue",
    .version = "Version de parcours",
    .unit_costs = "Coûts unitaires",
    .unset = "non fixé",
    .records = "Enregistrements",
    .rerun = "Commande",
    .standard_input = "entrée standard",
    .not_hashed = "non haché : {}",
    .bytes = "{} octets",
    .read = "lus",
    .accepted = "acceptés",
    .rejected = "rejetés",
    .duplicates = "doublons",
    .legs_merged = "segments fusionnés",
    .unidentified = "non identifiés",
    .region = "Région téléphonique",
    .max_fanout = "Partage maximal",
    .crosswalk = "Table de correspondance",
    .block = "Liste d'exclusion",
    .none = "aucun",
    .days = "{} jours",
    .hours = "{} heures",
    .no_data = "Aucune donnée.",
    .footer = "Définitions : parcours-stats(1) et parcours-report(1).",
};

}  // namespace

const ReportText& report_text(Lang lang) { return lang == Lang::fr ? kFrench : kEnglish; }

std::string_view channel_label(Channel c, Lang lang) {
  const bool fr = lang == Lang::fr;
  switch (c) {
    case Channel::phone: return fr ? "Téléphone" : "Phone";
    case Channel::ivr: return fr ? "RVI" : "IVR";
    case Channel::chat: return fr ? "Clavardage" : "Chat";
    case Channel::email: return fr ? "Courriel" : "Email";
    case Channel::mail: return fr ? "Courrier" : "Mail";
    case Channel::fax: return fr ? "Télécopie" : "Fax";
    case Channel::counter: return fr ? "Comptoir" : "Counter";
    case Channel::web: return "Web";
    case Channel::social: return fr ? "Médias sociaux" : "Social media";
    case Channel::cobrowse: return fr ? "Navigation assistée" : "Co-browsing";
  }
  return "?";
}

std::string_view segment_label(Segment s, Lang lang) {
  const bool fr = lang == Lang::fr;
  switch (s) {
    case Segment::phone_only: return fr ? "Téléphone seulement" : "Phone only";
    case Segment::web_only: return fr ? "Web seulement" : "Web only";
    case Segment::mail_only: return fr ? "Courrier seulement" : "Mail only";
    case Segment::counter_only: return fr ? "Comptoir seulement" : "Counter only";
    case Segment::email_only: return fr ? "Courriel seulement" : "Email only";
    case Segment::chat_only: return fr ? "Clavardage seulement" : "Chat only";
    case Segment::other_single: return fr ? "Autre canal unique" : "Another single channel";
    case Segment::self_service_only: return fr ? "Libre-service seulement" : "Self-service only";
    case Segment::assisted_only: return fr ? "Assisté seulement" : "Assisted only";
    case Segment::mixed: return fr ? "Libre-service et assisté" : "Self-service and assisted";
  }
  return "?";
}

}  // namespace parcours
