// patients-by-disease-and-target
// Distinct patients treated with cell therapy, by disease (a family and its subtypes) and target:
// cohorts, not reports, so several reports about the same patients count once. `family` is the
// disease's ancestor directly under the asked disease (the disease itself when there is none), so
// rows can be grouped by the hierarchy; `levels` are the evidence levels of the reports.
// :param disease => 'MONDO:0007179'
MATCH (root:Disease {id: $disease})
WITH root
MATCH (d:Disease)-[:IS_A*0..]->(root)
WITH DISTINCT root, d
OPTIONAL MATCH (d)-[:IS_A*1..]->(f:Disease)-[:IS_A]->(root)
WITH d, min(f.name) AS family
MATCH (e:Evidence)-[:IN_DISEASE]->(d)
WITH d, family, e
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
WITH d, family, e, p
MATCH (p)-[:TARGETS]->(t:Target)
WITH d, family, e, p, t
MATCH (e)-[:REPORTS_COHORT]->(c:Cohort)
WITH d, family, t, collect(DISTINCT c.id) AS ids, count(DISTINCT e) AS reports, count(DISTINCT p) AS products,
     collect(DISTINCT e.level) AS levels
UNWIND ids AS cid
MATCH (c:Cohort {id: cid})
WHERE NOT EXISTS { MATCH (c)-[:PART_OF*1..]->(big:Cohort) WHERE big.id IN ids }
RETURN coalesce(family, d.name) AS family, d.name AS disease, t.name AS target,
       CASE WHEN count(c.patients) = 0 THEN null ELSE sum(c.patients) END AS patients, count(c) AS cohorts,
       reports, products, levels
ORDER BY family, disease, target
