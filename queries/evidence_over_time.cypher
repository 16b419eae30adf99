// evidence-over-time
// How the evidence for a disease (and its subtypes) grew: reports per year of publication and per
// level, with the products they cover.
// :param disease => 'MONDO:0007179'
MATCH (root:Disease {id: $disease})
WITH root
MATCH (d:Disease)-[:IS_A*0..]->(root)
WITH DISTINCT d
MATCH (e:Evidence)-[:IN_DISEASE]->(d)
WITH e
MATCH (e)-[:REPORTED_IN]->(s:Source)
WITH e, s
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
RETURN s.year AS year, e.level AS level, count(DISTINCT e) AS reports, count(DISTINCT p) AS products,
       collect(DISTINCT p.name) AS product_names
ORDER BY year, level
