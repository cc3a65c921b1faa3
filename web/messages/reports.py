"""Texts of the report pages: coverage, levels, group courses, fidelity, capacity and the cost estimate."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- the overview and shared words ----------------------------------------------------------------
    "reports.title": {"da": "Rapporter", "en": "Reports"},
    "reports.intro": {
        "da": "Opgørelser til ledelse og politikere: dækning mod mål, niveauer, grupper, fidelitet, kapacitet "
        "og pris. Hver rapport viser sin periode, sin nævner og hvornår tallene er opgjort.",
        "en": "Figures for managers and politicians: coverage against targets, levels, groups, fidelity, capacity "
        "and cost. Every report states its period, its denominator and when the figures were computed.",
    },
    "reports.intro_disclosure": {
        "da": "Uden adgang til personoplysninger vises små tal (1–4) som «<5», og tal, der ellers ville afsløre "
        "dem, som «x».",
        "en": 'Without access to persons, small counts (1–4) are shown as "<5", and figures that would reveal '
        'them as "x".',
    },
    "reports.back": {"da": "Alle rapporter", "en": "All reports"},
    "reports.result": {"da": "Resultat", "en": "Result"},
    "reports.total": {"da": "I alt", "en": "Total"},
    "reports.at": {"da": "kl.", "en": "at"},
    "reports.csv": {"da": "Hent tabellerne som CSV", "en": "Download the tables as CSV"},
    "reports.csv_hint": {
        "da": "Én fil med alle rapportens tabeller (kolonnen «breakdown» eller «section» viser hvilken), præcis "
        "som API'et leverer den.",
        "en": "One file with every table of the report (the breakdown or section column says which), exactly as "
        "the API gives it.",
    },
    "reports.child.no_name": {"da": "Barn uden registreret navn", "en": "Child with no name recorded"},
    "reports.coverage.title": {"da": "Dækning af besøg", "en": "Visit coverage"},
    "reports.coverage.summary": {
        "da": "Hvor mange af børnene i opgørelsen fik besøget inden for vinduet, for sent eller slet ikke – "
        "målt mod målet, pr. boligområde og fødselsår.",
        "en": "How many of the children counted got the visit inside its window, late or not at all – against "
        "the target, by housing area and birth year.",
    },
    "reports.levels.title": {"da": "Niveauer over tid", "en": "Levels over time"},
    "reports.levels.summary": {
        "da": "Børn pr. indsatsniveau ved hver måneds udgang, trin op og ned, og hvor længe børn er på hvert niveau.",
        "en": "Children per level at each month's end, steps up and down, and how long children stay at each level.",
    },
    "reports.groups.title": {"da": "Gruppeforløb", "en": "Group courses"},
    "reports.groups.summary": {
        "da": "Forløb pr. område og år, fyldningsgrad, andel med stabilt fremmøde (mål 75 %) og andel positive "
        "svar i evalueringsskemaet (mål 80 %).",
        "en": "Courses per area and year, fill rate, the share with stable attendance (target 75 %) and the "
        "share of positive answers to the evaluation (target 80 %).",
    },
    "reports.fidelity.title": {"da": "Fidelitet", "en": "Fidelity"},
    "reports.fidelity.summary": {
        "da": "Planlagte mod gennemførte besøg pr. pakkeversion og besøgstype, og årsagerne til besøg, der ikke "
        "blev til noget.",
        "en": "Planned versus delivered visits per package version and visit kind, and why visits did not happen.",
    },
    "reports.capacity.title": {"da": "Kapacitet", "en": "Capacity"},
    "reports.capacity.summary": {
        "da": "De kommende ugers planlagte besøg pr. medarbejder og team, og antal familier pr. medarbejder, med "
        "advarsler hvor et loft overskrides.",
        "en": "The coming weeks' planned visits per professional and team, and families per professional, with "
        "warnings where a cap is exceeded.",
    },
    "reports.cost.title": {"da": "Prisberegning", "en": "Cost estimate"},
    "reports.cost.summary": {
        "da": "Hvad en pakke koster for et antal familier om året – ud fra pakkens eget besøgsprogram og satser, "
        "som I selv kan ændre – set ved siden af udgiften til anbringelser uden for hjemmet.",
        "en": "What a package costs for a number of families a year – from the package's own schedule and rates "
        "you can change – beside the cost of placements outside the home.",
    },
    # --- the facts every report states ----------------------------------------------------------------
    "reports.facts.period": {"da": "Periode", "en": "Period"},
    "reports.facts.denominator": {"da": "Nævner (hvem tælles)", "en": "Denominator (who is counted)"},
    "reports.facts.numerator": {"da": "Tæller", "en": "Numerator"},
    "reports.facts.as_of": {"da": "Data opgjort", "en": "Data as of"},
    "reports.facts.disclosure": {"da": "Diskretion", "en": "Disclosure control"},
    "reports.facts.disclosure_on": {
        "da": "Små tal er skjult, fordi du ikke har adgang til personoplysninger.",
        "en": "Small counts are hidden, as you have no access to persons.",
    },
    "reports.facts.disclosure_off": {
        "da": "Præcise tal: du har adgang til børnene bag tallene.",
        "en": "Exact counts: you have access to the children behind the figures.",
    },
    "reports.facts.exact": {
        "da": "Præcis definition, som API'et angiver den (på engelsk):",
        "en": "Exact definition, as the API states it:",
    },
    "reports.hidden.legend": {"da": "Skjulte tal", "en": "Hidden figures"},
    "reports.hidden.small": {
        "da": "Et lille antal (1–4), skjult for at beskytte de børn og familier, det drejer sig om.",
        "en": "A small count (1–4), hidden to protect the children and families concerned.",
    },
    "reports.hidden.other": {
        "da": "Skjult, så et lille tal ikke kan regnes ud fra totalerne – eller en andel eller vurdering, der "
        "bygger på et skjult tal.",
        "en": "Hidden so that a small count cannot be worked out from the totals – or a share or verdict based "
        "on a hidden count.",
    },
    "reports.hidden.small_sr": {"da": "(under 5, skjult)", "en": "(fewer than 5, hidden)"},
    "reports.hidden.other_sr": {"da": "(skjult, se forklaringen)", "en": "(hidden, see the explanation)"},
    "reports.verdict.met": {"da": "Nået", "en": "Met"},
    "reports.verdict.not_met": {"da": "Ikke nået", "en": "Not met"},
    "reports.verdict.none": {"da": "–", "en": "–"},
    # --- charts -------------------------------------------------------------------------------------
    "reports.chart.caption": {
        "da": "Tabellen under grafen viser de samme tal.",
        "en": "The table below the chart shows the same figures.",
    },
    "reports.chart.hidden": {"da": "(skjult)", "en": "(hidden)"},
    "reports.chart.no_value": {"da": "ingen tal", "en": "no figure"},
    "reports.chart.target": {"da": "Mål {percent}", "en": "Target {percent}"},
    "reports.chart.ceiling": {"da": "Loft {percent}", "en": "Ceiling {percent}"},
    "reports.chart.target_at_least": {
        "da": "Den lodrette linje er målet: mindst {percent}.",
        "en": "The vertical line is the target: at least {percent}.",
    },
    "reports.chart.target_at_most": {
        "da": "Den lodrette linje er loftet: højst {percent}.",
        "en": "The vertical line is the ceiling: at most {percent}.",
    },
    # --- forms ----------------------------------------------------------------------------------------
    "reports.form.heading": {"da": "Vælg opgørelse", "en": "Choose the figures"},
    "reports.form.submit": {"da": "Vis opgørelse", "en": "Show figures"},
    "reports.form.measure": {"da": "Mål for", "en": "Measure"},
    "reports.form.package": {"da": "Pakke", "en": "Package"},
    "reports.form.group_package": {"da": "Gruppepakke", "en": "Group package"},
    "reports.form.choose_package": {"da": "Vælg pakke", "en": "Choose a package"},
    "reports.form.package_hint": {
        "da": "Pakke og besøg bruges kun, når der måles på et besøg.",
        "en": "Package and visit are used only when the measure is a visit.",
    },
    "reports.form.visit_kind": {"da": "Besøg", "en": "Visit"},
    "reports.form.choose_visit": {"da": "Vælg besøg", "en": "Choose a visit"},
    "reports.form.birth_year": {"da": "Fødselsår", "en": "Birth year"},
    "reports.form.birth_year_hint": {
        "da": "Fx 2023. Flere år adskilles med komma. Tomt: alle fødselsår.",
        "en": "E.g. 2023. Separate several years with commas. Empty: every birth year.",
    },
    "reports.form.target": {"da": "Mål i procent", "en": "Target in per cent"},
    "reports.form.target_hint": {
        "da": "Tomt: standardmålet (fx 85 % for 6-måneders-besøget).",
        "en": "Empty: the default target (e.g. 85 % for the 6-month visit).",
    },
    "reports.form.population": {"da": "Hvem tælles", "en": "Who is counted"},
    "reports.population.default": {"da": "Standard for pakken", "en": "The package's default"},
    "reports.population.resident": {
        "da": "Alle børn bosat i områderne (tilmeldt eller ej)",
        "en": "Every child living in the areas (enrolled or not)",
    },
    "reports.population.enrolled": {"da": "Kun børn tilmeldt pakken", "en": "Only children enrolled in the package"},
    "reports.form.areas": {"da": "Boligområder", "en": "Housing areas"},
    "reports.form.areas_hint": {"da": "Ingen valgt: alle områder.", "en": "None chosen: every area."},
    "reports.form.areas_hint_coverage": {
        "da": "Ingen valgt: pakkens standard (for ekstra behovsbesøg de udpegede områder, ellers alle).",
        "en": "None chosen: the package's default (the designated areas for the extra visits, otherwise all).",
    },
    "reports.area.designated": {"da": "udpeget", "en": "designated"},
    "reports.area.none": {"da": "Uden boligområde", "en": "No housing area"},
    "reports.area.all": {"da": "alle boligområder", "en": "every housing area"},
    "reports.area.report_default": {"da": "rapportens standard", "en": "the report's default"},
    "reports.form.from_month": {"da": "Fra måned", "en": "From month"},
    "reports.form.to_month": {"da": "Til måned", "en": "To month"},
    "reports.form.month_hint": {"da": "Som ÅÅÅÅ-MM, fx 2026-01.", "en": "As YYYY-MM, e.g. 2026-01."},
    "reports.form.max_age": {"da": "Tæl børn til alderen (år)", "en": "Count children until age (years)"},
    "reports.form.max_age_hint": {"da": "Mellem 1 og 18.", "en": "Between 1 and 18."},
    "reports.form.year": {"da": "Startår", "en": "Start year"},
    "reports.form.year_hint": {
        "da": "Året forløbene starter, fx 2026. Flere adskilles med komma. Tomt: alle år.",
        "en": "The year the courses start, e.g. 2026. Separate several with commas. Empty: every year.",
    },
    "reports.form.version": {"da": "Version", "en": "Version"},
    "reports.form.all_versions": {"da": "Alle versioner", "en": "Every version"},
    "reports.form.start": {"da": "Første uge", "en": "First week"},
    "reports.form.start_hint": {"da": "En dag i den første uge.", "en": "A day of the first week."},
    "reports.form.weeks": {"da": "Antal uger", "en": "Number of weeks"},
    "reports.form.weeks_hint": {"da": "Mellem 1 og 26.", "en": "Between 1 and 26."},
    "reports.form.team": {"da": "Team", "en": "Team"},
    "reports.form.team_hint": {"da": "Teamets kode. Tomt: alle teams.", "en": "The team's code. Empty: every team."},
    "reports.form.weekly_cap": {"da": "Loft over besøg pr. uge", "en": "Cap on visits a week"},
    "reports.form.weekly_cap_hint": {
        "da": "Pr. medarbejder; 0 slår advarslen fra.",
        "en": "Per professional; 0 turns the warning off.",
    },
    "reports.form.cap_package": {"da": "Pakke med loft over familier", "en": "Package with a family cap"},
    "reports.form.default_caps": {"da": "Standardlofterne", "en": "The default caps"},
    "reports.form.caseload_cap": {"da": "Loft over familier", "en": "Cap on families"},
    "reports.form.caseload_cap_hint": {
        "da": "Familier pr. medarbejder i den valgte pakke, fx 25 i Minding the Baby.",
        "en": "Families per professional in the chosen package, e.g. 25 in Minding the Baby.",
    },
    # --- errors next to the fields ------------------------------------------------------------------
    "reports.error.general": {
        "da": "Opgørelsen kunne ikke laves. Ret det markerede og prøv igen.",
        "en": "The figures could not be made. Correct what is marked and try again.",
    },
    "reports.error.measure": {"da": "Vælg et mål fra listen.", "en": "Choose a measure from the list."},
    "reports.error.package_code": {"da": "Vælg en pakke fra listen.", "en": "Choose a package from the list."},
    "reports.error.visit_kind": {
        "da": "Vælg et af pakkens besøg.",
        "en": "Choose one of the package's visits.",
    },
    "reports.error.area": {"da": "Vælg boligområder fra listen.", "en": "Choose housing areas from the list."},
    "reports.error.birth_year": {
        "da": "Skriv fødselsår med fire cifre fra 1990 til næste år, fx 2023.",
        "en": "Write birth years with four digits from 1990 to next year, e.g. 2023.",
    },
    "reports.error.year": {
        "da": "Skriv år med fire cifre fra 1990 til næste år, fx 2026.",
        "en": "Write years with four digits from 1990 to next year, e.g. 2026.",
    },
    "reports.error.target_percent": {
        "da": "Skriv et mål mellem 0 og 100, fx 85.",
        "en": "Write a target between 0 and 100, e.g. 85.",
    },
    "reports.error.population": {"da": "Vælg fra listen.", "en": "Choose from the list."},
    "reports.error.from_month": {
        "da": "Skriv en måned som ÅÅÅÅ-MM, ikke efter til-måneden og højst 60 måneder i alt.",
        "en": "Write a month as YYYY-MM, not after the to-month and at most 60 months in all.",
    },
    "reports.error.to_month": {
        "da": "Skriv en måned som ÅÅÅÅ-MM, senest indeværende måned.",
        "en": "Write a month as YYYY-MM, the current month at the latest.",
    },
    "reports.error.max_age_years": {"da": "Skriv en alder mellem 1 og 18.", "en": "Write an age between 1 and 18."},
    "reports.error.version": {"da": "Vælg en version, pakken har.", "en": "Choose a version the package has."},
    "reports.error.start": {"da": "Skriv en dato som ÅÅÅÅ-MM-DD.", "en": "Write a date as YYYY-MM-DD."},
    "reports.error.weeks": {"da": "Skriv et antal uger mellem 1 og 26.", "en": "Write a number of weeks from 1 to 26."},
    "reports.error.team": {"da": "Teamet findes ikke. Skriv teamets kode.", "en": "No such team. Write its code."},
    "reports.error.weekly_visit_cap": {
        "da": "Skriv et helt tal mellem 0 og 1000.",
        "en": "Write a whole number between 0 and 1000.",
    },
    "reports.error.caseload_cap": {
        "da": "Skriv et helt tal mellem 1 og 1000 – og vælg pakken, loftet gælder.",
        "en": "Write a whole number between 1 and 1000 – and choose the package the cap is for.",
    },
    "reports.error.families": {
        "da": "Skriv et helt antal familier mellem 1 og 100.000.",
        "en": "Write a whole number of families between 1 and 100,000.",
    },
    "reports.error.visits_per_family": {
        "da": "Skriv et helt antal besøg mellem 0 og 1000. Pakker uden fast program (fx GRO) skal have et antal.",
        "en": "Write a whole number of visits between 0 and 1000. Packages without a fixed schedule (e.g. GRO) "
        "need one.",
    },
    "reports.error.placements": {
        "da": "Skriv et helt antal anbringelser (0–100.000) sammen med prisen for én.",
        "en": "Write a whole number of placements (0–100,000) together with the cost of one.",
    },
    "reports.error.placement_cost": {
        "da": "Skriv prisen for én anbringelse om året i kr. (0–100.000.000) sammen med antallet.",
        "en": "Write the yearly cost of one placement in DKK (0–100,000,000) together with the number.",
    },
    "reports.error.visit_minutes": {"da": "Skriv minutter mellem 0 og 1440.", "en": "Write minutes from 0 to 1440."},
    "reports.error.travel_minutes": {"da": "Skriv minutter mellem 0 og 1440.", "en": "Write minutes from 0 to 1440."},
    "reports.error.documentation_minutes": {
        "da": "Skriv minutter mellem 0 og 1440.",
        "en": "Write minutes from 0 to 1440.",
    },
    "reports.error.supervision_share": {
        "da": "Skriv en andel mellem 0 og 1, fx 0,1.",
        "en": "Write a share between 0 and 1, e.g. 0.1.",
    },
    "reports.error.coordination_share": {
        "da": "Skriv en andel mellem 0 og 1, fx 0,125.",
        "en": "Write a share between 0 and 1, e.g. 0.125.",
    },
    "reports.error.training_cost_per_professional": {
        "da": "Skriv et beløb mellem 0 og 10.000.000 kr.",
        "en": "Write an amount between 0 and 10,000,000 DKK.",
    },
    "reports.error.hours_per_fte": {"da": "Skriv timer mellem 1 og 8784.", "en": "Write hours from 1 to 8784."},
    "reports.error.productive_share": {
        "da": "Skriv en andel mellem 0,01 og 1, fx 0,92.",
        "en": "Write a share between 0.01 and 1, e.g. 0.92.",
    },
    "reports.error.participants_per_session": {
        "da": "Skriv et helt antal mellem 1 og 500.",
        "en": "Write a whole number between 1 and 500.",
    },
    "reports.error.hourly_cost_health_visitor": {
        "da": "Skriv en timepris mellem 0 og 100.000 kr.",
        "en": "Write an hourly cost between 0 and 100,000 DKK.",
    },
    "reports.error.hourly_cost_family_therapist": {
        "da": "Skriv en timepris mellem 0 og 100.000 kr.",
        "en": "Write an hourly cost between 0 and 100,000 DKK.",
    },
    "reports.error.hourly_cost_caseworker": {
        "da": "Skriv en timepris mellem 0 og 100.000 kr.",
        "en": "Write an hourly cost between 0 and 100,000 DKK.",
    },
    "reports.error.hourly_cost_pedagogue": {
        "da": "Skriv en timepris mellem 0 og 100.000 kr.",
        "en": "Write an hourly cost between 0 and 100,000 DKK.",
    },
    "reports.error.hourly_cost_midwife": {
        "da": "Skriv en timepris mellem 0 og 100.000 kr.",
        "en": "Write an hourly cost between 0 and 100,000 DKK.",
    },
    "reports.error.hourly_cost_psychologist": {
        "da": "Skriv en timepris mellem 0 og 100.000 kr.",
        "en": "Write an hourly cost between 0 and 100,000 DKK.",
    },
    "reports.error.hourly_cost_coordinator": {
        "da": "Skriv en timepris mellem 0 og 100.000 kr.",
        "en": "Write an hourly cost between 0 and 100,000 DKK.",
    },
    # --- dates ----------------------------------------------------------------------------------------
    "reports.month.1": {"da": "jan.", "en": "Jan"},
    "reports.month.2": {"da": "feb.", "en": "Feb"},
    "reports.month.3": {"da": "mar.", "en": "Mar"},
    "reports.month.4": {"da": "apr.", "en": "Apr"},
    "reports.month.5": {"da": "maj", "en": "May"},
    "reports.month.6": {"da": "jun.", "en": "Jun"},
    "reports.month.7": {"da": "jul.", "en": "Jul"},
    "reports.month.8": {"da": "aug.", "en": "Aug"},
    "reports.month.9": {"da": "sep.", "en": "Sep"},
    "reports.month.10": {"da": "okt.", "en": "Oct"},
    "reports.month.11": {"da": "nov.", "en": "Nov"},
    "reports.month.12": {"da": "dec.", "en": "Dec"},
    # --- coverage -----------------------------------------------------------------------------------
    "reports.measure.visit": {"da": "Et besøg i en pakke", "en": "A visit of a package"},
    "reports.measure.universal_year_one": {
        "da": "Mindst 5 hjemmebesøg i første leveår",
        "en": "At least 5 home visits in the first year",
    },
    "reports.measure.depression_screening": {
        "da": "Screening af mor og far for depression før 2 måneder",
        "en": "Depression screening of mother and father before 2 months",
    },
    "reports.measure.three_year_opt_out": {
        "da": "Fravalg af 3-årsbesøget",
        "en": "Opt-outs from the 3-year visit",
    },
    "reports.numerator.visit": {"da": "fik besøget inden for vinduet", "en": "got the visit inside its window"},
    "reports.numerator.universal_year_one": {
        "da": "fik mindst 5 hjemmebesøg i første leveår",
        "en": "got at least 5 home visits in their first year",
    },
    "reports.numerator.depression_screening": {
        "da": "fik mor (og far, hvor der er en registreret) screenet før 2 måneder",
        "en": "had their mother (and father, where one is registered) screened before 2 months",
    },
    "reports.numerator.three_year_opt_out": {
        "da": "fravalgte 3-årsbesøget",
        "en": "opted out of the 3-year visit",
    },
    "reports.category.in_window": {"da": "I vinduet", "en": "In window"},
    "reports.category.late": {"da": "For sent", "en": "Late"},
    "reports.category.early": {"da": "For tidligt", "en": "Early"},
    "reports.category.pending": {"da": "Afventer (vindue åbent)", "en": "Pending (window open)"},
    "reports.category.not_done": {"da": "Ikke udført", "en": "Not done"},
    "reports.category.not_planned": {"da": "Ikke planlagt", "en": "Not planned"},
    "reports.category.reached": {"da": "Nået", "en": "Reached"},
    "reports.category.not_reached": {"da": "Ikke nået", "en": "Not reached"},
    "reports.category.complete": {"da": "Begge screenet", "en": "Both screened"},
    "reports.category.mother_only": {"da": "Kun mor", "en": "Mother only"},
    "reports.category.father_only": {"da": "Kun far", "en": "Father only"},
    "reports.category.neither": {"da": "Ingen", "en": "Neither"},
    "reports.category.done": {"da": "Udført", "en": "Done"},
    "reports.category.opted_out": {"da": "Fravalgt", "en": "Opted out"},
    "reports.category.cancelled_other": {"da": "Aflyst af anden grund", "en": "Cancelled for another reason"},
    "reports.coverage.of": {"da": "af", "en": "of"},
    "reports.coverage.children": {"da": "børn", "en": "children"},
    "reports.coverage.no_target": {
        "da": "Der er ikke fastsat noget mål. Skriv et mål i formularen for at måle mod det.",
        "en": "No target is set. Write one in the form to measure against it.",
    },
    "reports.coverage.target_at_least": {"da": "Mål: mindst {percent}.", "en": "Target: at least {percent}."},
    "reports.coverage.target_at_most": {"da": "Mål: højst {percent}.", "en": "Target: at most {percent}."},
    "reports.coverage.required": {"da": "Det svarer til {count} børn.", "en": "That is {count} children."},
    "reports.coverage.status_met": {"da": "Målet er nået.", "en": "The target is met."},
    "reports.coverage.status_not_met": {"da": "Målet er ikke nået.", "en": "The target is not met."},
    "reports.coverage.status_hidden": {
        "da": "Vurderingen er skjult, fordi den bygger på et skjult tal.",
        "en": "The verdict is hidden, as it rests on a hidden count.",
    },
    "reports.coverage.status_none": {"da": "Ingen vurdering.", "en": "No verdict."},
    "reports.coverage.still_yes": {
        "da": "Det kan stadig nås af de børn, hvis vindue er åbent.",
        "en": "It can still be met by the children whose window is open.",
    },
    "reports.coverage.still_no": {
        "da": "Det kan ikke længere nås i denne opgørelse.",
        "en": "It can no longer be met in these figures.",
    },
    "reports.coverage.period_years": {"da": "Børn født i {years}.", "en": "Children born in {years}."},
    "reports.coverage.period_all": {"da": "Børn af alle fødselsår.", "en": "Children of every birth year."},
    "reports.coverage.judged_on": {
        "da": "Besøgsvinduer er vurderet pr. {day}.",
        "en": "Visit windows are judged as of {day}.",
    },
    "reports.coverage.denominator_resident": {
        "da": "Alle børn, hvis familie bor i {areas} (tilmeldt eller ej; et barn, der aldrig fik tilbudt "
        "besøget, tælles som ikke planlagt).",
        "en": "Every child whose family lives in {areas} (enrolled or not; a child never offered the visit "
        "counts as not planned).",
    },
    "reports.coverage.denominator_enrolled": {
        "da": "Børn tilmeldt pakken, hvis familie bor i {areas} (også afsluttede forløb).",
        "en": "Children enrolled in the package whose family lives in {areas} (ended enrolments included).",
    },
    "reports.coverage.drill_hint": {
        "da": "Vælg et tal i tabellerne for at se de børn, det tæller.",
        "en": "Choose a figure in the tables to see the children it counts.",
    },
    "reports.coverage.by_area": {"da": "Pr. boligområde", "en": "By housing area"},
    "reports.coverage.no_bars_empty": {
        "da": "Ingen søjler: der er ingen børn i de valgte områder og årgange. Vælg en anden årgang.",
        "en": "No bars: there are no children in the chosen areas and birth years. Choose another birth year.",
    },
    "reports.coverage.no_bars_hidden": {
        "da": "Ingen søjler: hvert områdes andel bygger på tal under 5 og er skjult, så ingen enkelte børn kan "
        "genkendes. Vælg flere årgange eller områder.",
        "en": "No bars: every area's share rests on counts below 5 and is hidden, so no single child can be "
        "recognised. Choose more birth years or areas.",
    },
    "reports.coverage.by_year": {"da": "Pr. fødselsår", "en": "By birth year"},
    "reports.coverage.area": {"da": "Boligområde", "en": "Housing area"},
    "reports.coverage.year": {"da": "Fødselsår", "en": "Birth year"},
    "reports.coverage.visit": {"da": "Besøg", "en": "Visit"},
    "reports.coverage.denominator": {"da": "Børn i alt", "en": "Children"},
    "reports.coverage.percent": {"da": "Andel", "en": "Share"},
    "reports.coverage.target": {"da": "Mål", "en": "Target"},
    "reports.coverage.required_col": {"da": "Krævet antal", "en": "Required"},
    "reports.coverage.verdict": {"da": "Vurdering", "en": "Verdict"},
    "reports.coverage.package_heading": {"da": "Alle pakkens besøg", "en": "Every visit of the package"},
    "reports.coverage.package_hint": {
        "da": "Hvert besøg mod sit eget mål, og pakken i alt mod summen af de krævede antal.",
        "en": "Each visit against its own target, and the package in all against the sum of the required counts.",
    },
    "reports.coverage.package_total": {"da": "Pakken i alt", "en": "The package in all"},
    "reports.coverage.chart_title": {"da": "{title}: andel pr. boligområde", "en": "{title}: share by housing area"},
    "reports.coverage.chart_desc": {
        "da": "Vandrette søjler viser andelen pr. boligområde med tallet og vurderingen skrevet ved søjlen.",
        "en": "Horizontal bars show the share by housing area, with the figure and the verdict written beside.",
    },
    # --- drill-down -----------------------------------------------------------------------------------
    "reports.drill.title": {"da": "Børnene bag tallet", "en": "The children behind the figure"},
    "reports.drill.back": {"da": "Tilbage til rapporten", "en": "Back to the report"},
    "reports.drill.what": {"da": "Opgørelse", "en": "Figure"},
    "reports.drill.category": {"da": "Status", "en": "Status"},
    "reports.drill.all": {"da": "Alle børn i nævneren", "en": "Every child of the denominator"},
    "reports.drill.all_years": {"da": "alle", "en": "all"},
    "reports.drill.hint": {
        "da": "Listen viser kun de børn, du har adgang til. Opslaget logges.",
        "en": "The list shows only the children you have access to. The look-up is logged.",
    },
    "reports.drill.caption": {"da": "Børn talt i opgørelsen", "en": "Children counted in the figure"},
    "reports.drill.child": {"da": "Barn", "en": "Child"},
    "reports.drill.born": {"da": "Født", "en": "Born"},
    "reports.drill.area": {"da": "Boligområde", "en": "Housing area"},
    "reports.drill.none": {
        "da": "Ingen børn, du har adgang til, indgår i dette tal.",
        "en": "No children you have access to are in this figure.",
    },
    "reports.drill.next": {"da": "Næste side", "en": "Next page"},
    # --- levels ---------------------------------------------------------------------------------------
    "reports.level.1": {"da": "Niveau 1", "en": "Level 1"},
    "reports.level.2": {"da": "Niveau 2", "en": "Level 2"},
    "reports.level.3": {"da": "Niveau 3", "en": "Level 3"},
    "reports.level.4": {"da": "Niveau 4", "en": "Level 4"},
    "reports.levels.period": {
        "da": "{first} til {last}, optalt ved hver måneds udgang (i indeværende måned: {today}).",
        "en": "{first} to {last}, counted at each month's end (in the current month: {today}).",
    },
    "reports.levels.denominator": {
        "da": "Børn fra fødslen til de fylder {age}, i familier i {areas}; et barn uden niveaubeslutning er på "
        "niveau 1.",
        "en": "Children from birth until they turn {age}, in families in {areas}; a child without a level "
        "decision is at level 1.",
    },
    "reports.levels.chart_heading": {"da": "Børn pr. niveau", "en": "Children per level"},
    "reports.levels.chart_title": {
        "da": "Børn pr. indsatsniveau ved månedens udgang",
        "en": "Children per intervention level at the month's end",
    },
    "reports.levels.chart_desc": {
        "da": "En linje pr. niveau fra {first} til {last}, hver med sit eget mærke og navngivet ved sit sidste tal. "
        "Et hul i en linje er et skjult tal.",
        "en": "One line per level from {first} to {last}, each with its own marker and named at its last figure. "
        "A gap in a line is a hidden figure.",
    },
    "reports.levels.months_caption": {
        "da": "Børn pr. niveau, trin op og ned pr. måned",
        "en": "Children per level, steps up and down per month",
    },
    "reports.levels.month": {"da": "Måned", "en": "Month"},
    "reports.levels.counted_on": {"da": "Optalt", "en": "Counted on"},
    "reports.levels.children": {"da": "Børn", "en": "Children"},
    "reports.levels.steps_up": {"da": "Trin op", "en": "Steps up"},
    "reports.levels.steps_down": {"da": "Trin ned", "en": "Steps down"},
    "reports.levels.all_months": {"da": "Alle måneder", "en": "All months"},
    "reports.levels.stays_heading": {"da": "Tid på hvert niveau", "en": "Time at each level"},
    "reports.levels.stays_caption": {
        "da": "Forløb på hvert niveau (flere beslutninger i træk om samme niveau er ét forløb)",
        "en": "Stays at each level (consecutive decisions for the same level are one stay)",
    },
    "reports.levels.level": {"da": "Niveau", "en": "Level"},
    "reports.levels.stays": {"da": "Forløb", "en": "Stays"},
    "reports.levels.ongoing": {"da": "Heraf igangværende", "en": "Of which ongoing"},
    "reports.levels.average_days": {"da": "Gennemsnit (dage)", "en": "Average (days)"},
    # --- group courses --------------------------------------------------------------------------------
    "reports.groups.period_years": {"da": "Forløb, der starter i {years}.", "en": "Courses starting in {years}."},
    "reports.groups.period_all": {"da": "Alle forløb.", "en": "Every course."},
    "reports.groups.denominator": {
        "da": "Deltagere i pakkens forløb (også dem, der stoppede), efter forløbets område og startår. Stabilt "
        "fremmøde: til stede ved mindst {share} af de afholdte gange.",
        "en": "Participants of the package's courses (those who left included), by the course's area and start "
        "year. Stable attendance: present at no fewer than {share} of the sessions held.",
    },
    "reports.groups.chart_desc": {
        "da": "Vandrette søjler pr. område og år med tallet og vurderingen skrevet ved søjlen.",
        "en": "Horizontal bars per area and year with the figure and the verdict written beside.",
    },
    "reports.groups.stable_chart": {"da": "Andel med stabilt fremmøde", "en": "Share with stable attendance"},
    "reports.groups.positive_chart": {
        "da": "Andel positive svar i evalueringsskemaet",
        "en": "Share of positive answers to the evaluation",
    },
    "reports.groups.none": {"da": "Ingen forløb i perioden.", "en": "No courses in the period."},
    "reports.groups.courses_heading": {"da": "Forløb og fremmøde", "en": "Courses and attendance"},
    "reports.groups.courses_caption": {
        "da": "Forløb, pladser, deltagere og stabilt fremmøde (mål {target})",
        "en": "Courses, places, participants and stable attendance (target {target})",
    },
    "reports.groups.questionnaire_heading": {"da": "Evalueringsskema", "en": "Evaluation questionnaire"},
    "reports.groups.questionnaire_caption": {
        "da": "Svar på evalueringsskemaet ved forløbets afslutning (mål {target} positive)",
        "en": "Answers to the end-of-course questionnaire (target {target} positive)",
    },
    "reports.groups.area_year": {"da": "Område og år", "en": "Area and year"},
    "reports.groups.courses": {"da": "Forløb", "en": "Courses"},
    "reports.groups.courses_target": {"da": "Planlagt", "en": "Planned"},
    "reports.groups.capacity": {"da": "Pladser", "en": "Places"},
    "reports.groups.participants": {"da": "Deltagere", "en": "Participants"},
    "reports.groups.fill": {"da": "Fyldt", "en": "Fill rate"},
    "reports.groups.not_started": {"da": "Ikke startet", "en": "Not started"},
    "reports.groups.stable": {"da": "Stabile", "en": "Stable"},
    "reports.groups.not_stable": {"da": "Ikke stabile", "en": "Not stable"},
    "reports.groups.stable_percent": {"da": "Andel stabile", "en": "Share stable"},
    "reports.groups.stable_met": {"da": "Vurdering", "en": "Verdict"},
    "reports.groups.answered": {"da": "Besvaret", "en": "Answered"},
    "reports.groups.positive": {"da": "Positive", "en": "Positive"},
    "reports.groups.not_positive": {"da": "Ikke positive", "en": "Not positive"},
    "reports.groups.positive_percent": {"da": "Andel positive", "en": "Share positive"},
    "reports.groups.positive_met": {"da": "Vurdering", "en": "Verdict"},
    # --- fidelity -------------------------------------------------------------------------------------
    "reports.fidelity.version": {"da": "Version {version}", "en": "Version {version}"},
    "reports.fidelity.period": {
        "da": "Besøg, hvis vindue er åbnet senest {today}, mens familien var tilmeldt.",
        "en": "Visits whose window opened by {today} while the family was enrolled.",
    },
    "reports.fidelity.denominator": {
        "da": "Forfaldne besøg = udførte, ikke gennemførte, aflyste og overskredne uden registrering; gennemført = "
        "udførte / forfaldne. En familie følger programmet, når mindst {percent} af dens forfaldne besøg er udført.",
        "en": "Due visits = done, missed, cancelled and overdue without a record; delivered = done / due. A family "
        "is at fidelity when at least {percent} of its due visits are done.",
    },
    "reports.fidelity.chart_heading": {"da": "Gennemført pr. besøgstype", "en": "Delivered per visit kind"},
    "reports.fidelity.chart_title": {
        "da": "Andel gennemførte besøg pr. besøgstype",
        "en": "Share of visits delivered per visit kind",
    },
    "reports.fidelity.chart_desc": {
        "da": "Vandrette søjler pr. besøgstype med andelen skrevet ved søjlen; den lodrette linje er tærsklen for "
        "at følge programmet, {percent}.",
        "en": "Horizontal bars per visit kind with the share written beside; the vertical line is the fidelity "
        "threshold, {percent}.",
    },
    "reports.fidelity.threshold": {"da": "Tærskel {percent}", "en": "Threshold {percent}"},
    "reports.fidelity.visits_caption": {
        "da": "Planlagte mod gennemførte besøg pr. version og besøgstype",
        "en": "Planned versus delivered visits per version and visit kind",
    },
    "reports.fidelity.row": {"da": "Version eller besøg", "en": "Version or visit"},
    "reports.fidelity.due": {"da": "Forfaldne", "en": "Due"},
    "reports.fidelity.done": {"da": "Udført", "en": "Done"},
    "reports.fidelity.missed": {"da": "Ikke gennemført", "en": "Missed"},
    "reports.fidelity.cancelled": {"da": "Aflyst", "en": "Cancelled"},
    "reports.fidelity.not_recorded": {"da": "Ikke registreret", "en": "Not recorded"},
    "reports.fidelity.pending": {"da": "Afventer", "en": "Pending"},
    "reports.fidelity.delivered": {"da": "Gennemført", "en": "Delivered"},
    "reports.fidelity.families_heading": {"da": "Familier", "en": "Families"},
    "reports.fidelity.families_caption": {
        "da": "Familier, der følger programmet (mindst {percent} af besøgene udført)",
        "en": "Families at fidelity (at least {percent} of visits done)",
    },
    "reports.fidelity.enrolments": {"da": "Forløb", "en": "Enrolments"},
    "reports.fidelity.not_started": {"da": "Ikke startet", "en": "Not started"},
    "reports.fidelity.at_fidelity": {"da": "Følger programmet", "en": "At fidelity"},
    "reports.fidelity.below_fidelity": {"da": "Under tærsklen", "en": "Below"},
    "reports.fidelity.at_fidelity_percent": {"da": "Andel, der følger", "en": "Share at fidelity"},
    "reports.fidelity.reasons_heading": {"da": "Årsager", "en": "Reasons"},
    "reports.fidelity.reasons_caption": {
        "da": "Årsager til besøg, der ikke blev gennemført eller blev aflyst",
        "en": "Reasons visits were missed or cancelled",
    },
    "reports.fidelity.status": {"da": "Status", "en": "Status"},
    "reports.fidelity.reason": {"da": "Årsag", "en": "Reason"},
    "reports.fidelity.reason_visits": {"da": "Besøg", "en": "Visits"},
    "reports.fidelity.no_reasons": {"da": "Ingen registrerede årsager.", "en": "No reasons recorded."},
    "reports.fidelity.families_link": {
        "da": "Se familierne bag tallene",
        "en": "See the families behind the figures",
    },
    "reports.fidelity.families_title": {"da": "Familierne i pakken", "en": "The families in the package"},
    "reports.fidelity.version_col": {"da": "Version", "en": "Version"},
    "reports.fidelity.started": {"da": "Startet", "en": "Started"},
    "reports.fidelity.ended": {"da": "Afsluttet", "en": "Ended"},
    "reports.fidelity.at_fidelity_col": {"da": "Følger programmet", "en": "At fidelity"},
    "reports.visit_status.missed": {"da": "Ikke gennemført", "en": "Missed"},
    "reports.visit_status.cancelled": {"da": "Aflyst", "en": "Cancelled"},
    "reports.visit_status.done": {"da": "Udført", "en": "Done"},
    "reports.visit_status.planned": {"da": "Planlagt", "en": "Planned"},
    # --- capacity -------------------------------------------------------------------------------------
    "reports.capacity.period": {
        "da": "{first} til {last} ({weeks} uger fra mandag).",
        "en": "{first} to {last} ({weeks} weeks from Monday).",
    },
    "reports.capacity.definition": {
        "da": "Planlagte besøg med måldato i ugen, talt for hver tilknyttet medarbejder (et fællesbesøg tæller for "
        "begge); et teams tal er summen af medlemmernes. Familier = forskellige familier i aktive forløb, "
        "medarbejderen er tilknyttet. Tallene handler om arbejdsbyrde, ikke om børn, og vises præcist.",
        "en": "Planned visits whose target date falls in the week, counted for every professional assigned (a "
        "joint visit counts for each); a team's figures are the sum of its members'. Families = distinct families "
        "of active enrolments the professional is assigned to. The figures are workload, not children, and are "
        "exact.",
    },
    "reports.capacity.caps": {"da": "Lofter:", "en": "Caps:"},
    "reports.capacity.weekly_cap": {
        "da": "{cap} planlagte besøg pr. uge pr. medarbejder",
        "en": "{cap} planned visits a week per professional",
    },
    "reports.capacity.caseload_cap": {
        "da": "{cap} familier pr. medarbejder i {package}",
        "en": "{cap} families per professional in {package}",
    },
    "reports.capacity.warnings": {"da": "Advarsler ({count})", "en": "Warnings ({count})"},
    "reports.capacity.no_warnings": {"da": "Ingen lofter er overskredet.", "en": "No cap is exceeded."},
    "reports.capacity.warning_caseload": {
        "da": "{who} har {value} familier i {package}; loftet er {cap}.",
        "en": "{who} has {value} families in {package}; the cap is {cap}.",
    },
    "reports.capacity.warning_weekly": {
        "da": "{who} har {value} planlagte besøg i ugen fra {week}; loftet er {cap}.",
        "en": "{who} has {value} planned visits in the week from {week}; the cap is {cap}.",
    },
    "reports.capacity.chart_heading": {"da": "Travleste uge pr. medarbejder", "en": "Busiest week per professional"},
    "reports.capacity.chart_title": {
        "da": "Planlagte besøg i hver medarbejders travleste uge",
        "en": "Planned visits in each professional's busiest week",
    },
    "reports.capacity.chart_desc": {
        "da": "Vandrette søjler pr. medarbejder med antallet skrevet ved søjlen; den lodrette linje er loftet på {cap} "
        "besøg pr. uge.",
        "en": "Horizontal bars per professional with the count written beside; the vertical line is the cap of "
        "{cap} visits a week.",
    },
    "reports.capacity.bar": {"da": "{count} besøg", "en": "{count} visits"},
    "reports.capacity.over": {"da": "over loftet", "en": "over the cap"},
    "reports.capacity.cap": {"da": "Loft {cap}", "en": "Cap {cap}"},
    "reports.capacity.table_heading": {"da": "Planlagte besøg pr. uge", "en": "Planned visits per week"},
    "reports.capacity.caption": {
        "da": "Planlagte besøg pr. uge og familier pr. medarbejder og team",
        "en": "Planned visits per week and families per professional and team",
    },
    "reports.capacity.who": {"da": "Medarbejder", "en": "Professional"},
    "reports.capacity.team_col": {"da": "Team", "en": "Team"},
    "reports.capacity.team": {"da": "Team {team} i alt", "en": "Team {team} in all"},
    "reports.capacity.week": {"da": "Uge {number}", "en": "Week {number}"},
    "reports.capacity.week_from": {"da": "Ugen fra mandag {day}", "en": "The week from Monday {day}"},
    "reports.capacity.planned": {"da": "I alt", "en": "Total"},
    "reports.capacity.families": {"da": "Familier i {package}", "en": "Families in {package}"},
    "reports.capacity.mark_hint": {
        "da": "«!» markerer et tal over loftet.",
        "en": '"!" marks a figure over the cap.',
    },
    # --- cost estimate --------------------------------------------------------------------------------
    "reports.cost.families": {"da": "Familier om året", "en": "Families a year"},
    "reports.cost.families_hint": {
        "da": "Familier, der starter i pakken om året.",
        "en": "Families starting the package a year.",
    },
    "reports.cost.visits_per_family": {"da": "Besøg pr. familie", "en": "Visits per family"},
    "reports.cost.visits_per_family_hint": {
        "da": "Tomt: pakkens eget besøgsprogram. Kræves for pakker uden fast program (fx GRO).",
        "en": "Empty: the package's own schedule. Needed for packages without one (e.g. GRO).",
    },
    "reports.cost.placements_legend": {
        "da": "Til sammenligning: anbringelser uden for hjemmet",
        "en": "For comparison: placements outside the home",
    },
    "reports.cost.placements_hint": {
        "da": "Kommunens eget antal og pris. Udfyld begge eller ingen.",
        "en": "The municipality's own number and cost. Fill in both or neither.",
    },
    "reports.cost.placements": {"da": "Anbringelser om året", "en": "Placements a year"},
    "reports.cost.placement_cost": {
        "da": "Pris for én anbringelse om året (kr.)",
        "en": "Yearly cost of one placement (DKK)",
    },
    "reports.cost.rates_legend": {"da": "Satser", "en": "Rates"},
    "reports.cost.rates_hint": {
        "da": "Udfyldt med standardværdierne for pakken. Ret dem til jeres egne tal; tomt felt betyder standard.",
        "en": "Filled with the package's defaults. Change them to your own figures; an empty field means the default.",
    },
    "reports.cost.rates_reset": {
        "da": "Satserne er sat til standardværdierne for den valgte pakke – undtagen dem, du selv havde ændret.",
        "en": "The rates are set to the chosen package's defaults – except those you had changed.",
    },
    "reports.cost.submit": {"da": "Beregn", "en": "Calculate"},
    "reports.cost.result": {
        "da": "{package} for {families} familier om året",
        "en": "{package} for {families} families a year",
    },
    "reports.cost.cost_per_year": {"da": "Pris om året", "en": "Cost a year"},
    "reports.cost.cost_per_family": {"da": "Pris pr. familie", "en": "Cost per family"},
    "reports.cost.fte_total": {"da": "Årsværk i alt", "en": "Full-time equivalents"},
    "reports.cost.visits": {"da": "Besøg pr. familie", "en": "Visits per family"},
    "reports.cost.visits_by_kind": {"da": "Besøg efter type", "en": "Visits by kind"},
    "reports.cost.minutes": {
        "da": "Minutter pr. besøg og medarbejder (besøg, transport og dokumentation)",
        "en": "Minutes per visit and professional (visit, travel and documentation)",
    },
    "reports.cost.variable": {
        "da": "Personaletid pr. familie (før uddannelse)",
        "en": "Staff time per family (before training)",
    },
    "reports.cost.training": {"da": "Uddannelse om året", "en": "Training a year"},
    "reports.cost.hours_per_fte": {"da": "Produktive timer pr. årsværk", "en": "Productive hours per FTE"},
    "reports.cost.reference": {
        "da": "Besøgsprogrammet er talt for et referencebarn (som API'et angiver det, på engelsk):",
        "en": "The schedule is counted for a reference child (as the API states it):",
    },
    "reports.cost.compare_heading": {"da": "Sammenlignet med anbringelser", "en": "Compared with placements"},
    "reports.cost.compare": {
        "da": "{count} anbringelser à {each} koster {total} om året.",
        "en": "{count} placements at {each} cost {total} a year.",
    },
    "reports.cost.equivalent": {
        "da": "Programmet koster det samme som {count} anbringelser om året.",
        "en": "The programme costs as much as {count} placements a year.",
    },
    "reports.cost.chart_title": {
        "da": "Programmets pris om året mod anbringelsernes",
        "en": "The programme's yearly cost against the placements'",
    },
    "reports.cost.chart_desc": {
        "da": "To vandrette søjler med beløbet skrevet ved hver: programmet og anbringelserne om året.",
        "en": "Two horizontal bars with the amount written beside each: the programme and the placements a year.",
    },
    "reports.cost.programme_bar": {"da": "Programmet, {families} familier", "en": "Programme, {families} families"},
    "reports.cost.placements_bar": {"da": "{count} anbringelser", "en": "{count} placements"},
    "reports.cost.millions": {"da": "{value} mio.", "en": "{value} m"},
    "reports.cost.roles_heading": {"da": "Pr. faggruppe", "en": "Per role"},
    "reports.cost.roles_caption": {
        "da": "Timer, pris og årsværk pr. faggruppe",
        "en": "Hours, cost and full-time equivalents per role",
    },
    "reports.cost.role": {"da": "Faggruppe", "en": "Role"},
    "reports.cost.hours_per_family": {"da": "Timer pr. familie", "en": "Hours per family"},
    "reports.cost.hours_per_year": {"da": "Timer om året", "en": "Hours a year"},
    "reports.cost.fte": {"da": "Årsværk", "en": "FTE"},
    "reports.cost.professionals": {"da": "Medarbejdere at uddanne", "en": "Professionals to train"},
    "reports.cost.rates_heading": {"da": "Satser brugt i beregningen", "en": "Rates used"},
    "reports.cost.rates_caption": {
        "da": "Hver sats med enhed og kilde",
        "en": "Every rate with its unit and source",
    },
    "reports.cost.rate": {"da": "Sats", "en": "Rate"},
    "reports.cost.value": {"da": "Værdi", "en": "Value"},
    "reports.cost.unit": {"da": "Enhed", "en": "Unit"},
    "reports.cost.source": {"da": "Kilde", "en": "Source"},
    "reports.rate.visit_minutes": {"da": "Besøgets varighed", "en": "Visit length"},
    "reports.rate.travel_minutes": {"da": "Transport", "en": "Travel"},
    "reports.rate.documentation_minutes": {"da": "Dokumentation", "en": "Documentation"},
    "reports.rate.supervision_share": {"da": "Supervision", "en": "Supervision"},
    "reports.rate.coordination_share": {"da": "Koordinering", "en": "Coordination"},
    "reports.rate.training_cost_per_professional": {
        "da": "Uddannelse pr. medarbejder",
        "en": "Training per professional",
    },
    "reports.rate.hours_per_fte": {"da": "Timer pr. årsværk", "en": "Hours per FTE"},
    "reports.rate.productive_share": {"da": "Produktiv andel", "en": "Productive share"},
    "reports.rate.participants_per_session": {"da": "Familier pr. gruppegang", "en": "Families per session"},
    "reports.rate.hourly_cost": {"da": "Timepris, {role}", "en": "Hourly cost, {role}"},
    "reports.unit.visit_minutes": {
        "da": "minutter pr. besøg og medarbejder",
        "en": "minutes per visit and professional",
    },
    "reports.unit.travel_minutes": {
        "da": "minutter pr. besøg og medarbejder",
        "en": "minutes per visit and professional",
    },
    "reports.unit.documentation_minutes": {
        "da": "minutter pr. besøg og medarbejder",
        "en": "minutes per visit and professional",
    },
    "reports.unit.supervision_share": {
        "da": "andel af de direkte timer, fx 0,1",
        "en": "share of the direct hours, e.g. 0.1",
    },
    "reports.unit.coordination_share": {
        "da": "andel af alle medarbejderes timer, fx 0,125",
        "en": "share of all professionals' hours, e.g. 0.125",
    },
    "reports.unit.training_cost_per_professional": {
        "da": "kr. pr. uddannet medarbejder om året",
        "en": "DKK per trained professional a year",
    },
    "reports.unit.hours_per_fte": {"da": "timer om året", "en": "hours a year"},
    "reports.unit.productive_share": {"da": "andel af timerne pr. årsværk", "en": "share of the hours per FTE"},
    "reports.unit.participants_per_session": {
        "da": "familier, der deler en gruppegang",
        "en": "families sharing a group session",
    },
    "reports.unit.hourly_cost": {"da": "kr. i timen", "en": "DKK an hour"},
    "reports.role.health_visitor": {"da": "Sundhedsplejerske", "en": "Health visitor"},
    "reports.role.family_therapist": {"da": "Familieterapeut", "en": "Family therapist"},
    "reports.role.caseworker": {"da": "Socialrådgiver", "en": "Caseworker"},
    "reports.role.pedagogue": {"da": "Pædagog", "en": "Pedagogue"},
    "reports.role.midwife": {"da": "Jordemoder", "en": "Midwife"},
    "reports.role.psychologist": {"da": "Psykolog", "en": "Psychologist"},
    "reports.role.coordinator": {"da": "Koordinator", "en": "Coordinator"},
}
