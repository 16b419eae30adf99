// antibody-mediated-diseases-for-target
// Antibody-mediated diseases with cell-therapy evidence for a target: one row per disease and product,
// counting distinct patients (cohorts) and the reports behind them.
// :param target => 'cellkg:target-bcma'
MATCH (t:Target {id: $target})
WITH t
MATCH (t)<-[:TARGETS]-(p:Product)
WITH t, p
MATCH (p)<-[:ABOUT_PRODUCT]-(e:Evidence)
WITH t, p, e
MATCH (e)-[:IN_DISEASE]->(d:Disease)
WHERE d.antibody_mediated = true
WITH t, p, e, d
MATCH (e)-[rc:REPORTS_COHORT]->(c:Cohort)
WITH t, p, e, d, rc, c
MATCH (e)-[:REPORTED_IN]->(s:Source)
WITH d, t, p, collect(DISTINCT c.id) AS ids, count(DISTINCT e) AS reports, collect(DISTINCT e.level) AS levels,
     max(e.follow_up_months) AS follow_up_months, collect(DISTINCT s.id) AS sources,
     collect(DISTINCT e.id) AS evidence, sum(CASE WHEN rc.inferred = true THEN 1 ELSE 0 END) AS inferred_links
UNWIND ids AS cid
MATCH (c:Cohort {id: cid})
WHERE NOT EXISTS { MATCH (c)-[:PART_OF*1..]->(big:Cohort) WHERE big.id IN ids }
RETURN d.name AS disease, d.id AS disease_id, t.name AS target, p.name AS product,
       CASE WHEN count(c.patients) = 0 THEN null ELSE sum(c.patients) END AS patients, count(c) AS cohorts,
       reports, levels, follow_up_months, inferred_links, sources, evidence
ORDER BY disease, product
