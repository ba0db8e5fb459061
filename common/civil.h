/*
 * civil.h - proleptic Gregorian dates as day counts, for the time code of
 * mig-map and mig-verify's canonical timestamps (Howard Hinnant's
 * days_from_civil / civil_from_days: exact for any year, no tables).
 */
#ifndef MIG_CIVIL_H
#define MIG_CIVIL_H

/* Days since 1970-01-01 of year y, month m (1-12), day d. */
long long days_from_civil(long long y, int m, int d);
/* The date of day z counted from 1970-01-01. */
void civil_from_days(long long z, long long *y, int *m, int *d);
/* How many days month m (1-12) of year y has. */
int days_in_month(long long y, int m);

#endif
