<?xml version="1.0" encoding="UTF-8"?>
<!--
  sdtm-convert: minimal XSLT 1.0 stylesheet for Define-XML 2.1 (datasets, variables, value-level
  metadata, codelists with NCI codes, methods, comments). Our own work, MIT licence, no CDISC code.
  The full, navigable rendering is define.html next to this file; browsers increasingly disable
  XSLT for local files, so this stylesheet is for XML viewers and review tools that still apply it.
  All text is output with normal escaping (no disable-output-escaping).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:odm="http://www.cdisc.org/ns/odm/v1.3"
    xmlns:def="http://www.cdisc.org/ns/def/v2.1"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    exclude-result-prefixes="odm def xlink">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:key name="item" match="odm:ItemDef" use="@OID"/>
  <xsl:key name="codelist" match="odm:CodeList" use="@OID"/>
  <xsl:key name="method" match="odm:MethodDef" use="@OID"/>
  <xsl:key name="where" match="def:WhereClauseDef" use="@OID"/>

  <xsl:variable name="mdv" select="/odm:ODM/odm:Study/odm:MetaDataVersion"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <title><xsl:value-of select="/odm:ODM/odm:Study/odm:GlobalVariables/odm:StudyName"/> Define-XML</title>
        <style>
          body { font-family: sans-serif; font-size: 14px; margin: 1rem 2rem; }
          table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
          th, td { border: 1px solid #bbb; padding: .2rem .4rem; text-align: left; vertical-align: top; }
          th { background: #e8ecf2; }
        </style>
      </head>
      <body>
        <h1><xsl:value-of select="/odm:ODM/odm:Study/odm:GlobalVariables/odm:StudyName"/>:
          <xsl:value-of select="$mdv/@Name"/></h1>
        <p><xsl:value-of select="/odm:ODM/odm:Study/odm:GlobalVariables/odm:StudyDescription"/></p>
        <h2 id="datasets">Datasets</h2>
        <table>
          <tr><th>Dataset</th><th>Description</th><th>Class</th><th>Structure</th><th>Location</th></tr>
          <xsl:for-each select="$mdv/odm:ItemGroupDef">
            <tr>
              <td><a href="#{@OID}"><xsl:value-of select="@Name"/></a></td>
              <td><xsl:value-of select="odm:Description/odm:TranslatedText"/></td>
              <td><xsl:value-of select="def:Class/@Name"/></td>
              <td><xsl:value-of select="@def:Structure"/></td>
              <td><a href="{def:leaf/@xlink:href}"><xsl:value-of select="def:leaf/@xlink:href"/></a></td>
            </tr>
          </xsl:for-each>
        </table>
        <xsl:apply-templates select="$mdv/odm:ItemGroupDef"/>
        <xsl:if test="$mdv/def:ValueListDef">
          <h2 id="value-level">Value-level metadata</h2>
          <xsl:apply-templates select="$mdv/def:ValueListDef"/>
        </xsl:if>
        <xsl:if test="$mdv/odm:CodeList">
          <h2 id="codelists">Codelists</h2>
          <xsl:apply-templates select="$mdv/odm:CodeList"/>
        </xsl:if>
        <xsl:if test="$mdv/odm:MethodDef">
          <h2 id="methods">Methods</h2>
          <table>
            <tr><th>Method</th><th>Type</th><th>Description</th></tr>
            <xsl:for-each select="$mdv/odm:MethodDef">
              <tr id="{@OID}"><td><xsl:value-of select="@Name"/></td><td><xsl:value-of select="@Type"/></td>
                <td><xsl:value-of select="odm:Description/odm:TranslatedText"/></td></tr>
            </xsl:for-each>
          </table>
        </xsl:if>
        <xsl:if test="$mdv/def:CommentDef">
          <h2 id="comments">Comments</h2>
          <table>
            <xsl:for-each select="$mdv/def:CommentDef">
              <tr id="{@OID}"><td><xsl:value-of select="@OID"/></td>
                <td><xsl:value-of select="odm:Description/odm:TranslatedText"/></td></tr>
            </xsl:for-each>
          </table>
        </xsl:if>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="header">
    <tr><th>Variable</th><th>Label</th><th>Type</th><th>Length</th><th>Codelist</th><th>Origin</th><th>Method</th></tr>
  </xsl:template>

  <xsl:template name="cells">
    <xsl:param name="ref"/>
    <xsl:param name="it"/>
    <td><xsl:value-of select="$it/@Name"/>
      <xsl:if test="$it/def:ValueListRef"> (<a href="#{$it/def:ValueListRef/@ValueListOID}">value level</a>)</xsl:if></td>
    <td><xsl:value-of select="$it/odm:Description/odm:TranslatedText"/></td>
    <td><xsl:value-of select="$it/@DataType"/></td>
    <td><xsl:value-of select="$it/@Length"/></td>
    <td><xsl:if test="$it/odm:CodeListRef">
      <a href="#{$it/odm:CodeListRef/@CodeListOID}">
        <xsl:value-of select="key('codelist', $it/odm:CodeListRef/@CodeListOID)/@Name"/></a></xsl:if></td>
    <td><xsl:value-of select="$it/def:Origin/@Type"/>
      <xsl:if test="$it/def:Origin/@Source"> (<xsl:value-of select="$it/def:Origin/@Source"/>)</xsl:if></td>
    <td><xsl:if test="$ref/@MethodOID">
      <a href="#{$ref/@MethodOID}"><xsl:value-of select="key('method', $ref/@MethodOID)/@Name"/></a></xsl:if></td>
  </xsl:template>

  <xsl:template match="odm:ItemGroupDef">
    <h3 id="{@OID}"><xsl:value-of select="@Name"/> (<xsl:value-of select="odm:Description/odm:TranslatedText"/>)</h3>
    <table>
      <xsl:call-template name="header"/>
      <xsl:for-each select="odm:ItemRef">
        <tr id="{@ItemOID}">
          <xsl:call-template name="cells">
            <xsl:with-param name="ref" select="."/>
            <xsl:with-param name="it" select="key('item', @ItemOID)"/>
          </xsl:call-template>
        </tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template match="def:ValueListDef">
    <h3 id="{@OID}"><xsl:value-of select="@OID"/></h3>
    <table>
      <tr><th>Where</th><th>Variable</th><th>Label</th><th>Type</th><th>Length</th><th>Codelist</th><th>Origin</th><th>Method</th></tr>
      <xsl:for-each select="odm:ItemRef">
        <tr>
          <td><xsl:for-each select="key('where', def:WhereClauseRef/@WhereClauseOID)/odm:RangeCheck">
            <xsl:if test="position() &gt; 1"> and </xsl:if>
            <xsl:value-of select="key('item', @def:ItemOID)/@Name"/><xsl:text> </xsl:text>
            <xsl:value-of select="@Comparator"/><xsl:text> </xsl:text>
            <xsl:for-each select="odm:CheckValue"><xsl:if test="position() &gt; 1">, </xsl:if>
              <xsl:value-of select="."/></xsl:for-each>
          </xsl:for-each></td>
          <xsl:call-template name="cells">
            <xsl:with-param name="ref" select="."/>
            <xsl:with-param name="it" select="key('item', @ItemOID)"/>
          </xsl:call-template>
        </tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template match="odm:CodeList">
    <h3 id="{@OID}"><xsl:value-of select="@Name"/>
      <xsl:if test="odm:Alias[@Context='nci:ExtCodeID']"> [<xsl:value-of select="odm:Alias[@Context='nci:ExtCodeID']/@Name"/>]</xsl:if></h3>
    <table>
      <tr><th>Value</th><th>Decode</th><th>NCI code</th></tr>
      <xsl:for-each select="odm:CodeListItem | odm:EnumeratedItem">
        <tr><td><xsl:value-of select="@CodedValue"/></td>
          <td><xsl:value-of select="odm:Decode/odm:TranslatedText"/></td>
          <td><xsl:value-of select="odm:Alias[@Context='nci:ExtCodeID']/@Name"/>
            <xsl:if test="@def:ExtendedValue='Yes'"> (sponsor extension)</xsl:if></td></tr>
      </xsl:for-each>
    </table>
  </xsl:template>
</xsl:stylesheet>
